// Pure parts of `ci login --oidc` (src/helper/commands/ci_oidc_exchange.hpp,
// ci_id_token.hpp); the whole flow runs in tests/oidc/ci_oidc_test.sh.
#include <catch2/catch.hpp>
#include <map>

#include "helper/commands/ci_id_token.hpp"
#include "helper/commands/ci_oidc_exchange.hpp"

using namespace pat::helper::cmd;

TEST_CASE("the job's ID token goes over https or to a loopback patd only", "[ci][oidc]") {
    CHECK(id_token_may_go_to("https://patd.example.com"));
    CHECK(id_token_may_go_to("https://10.0.0.5:5001"));
    CHECK(id_token_may_go_to("http://127.0.0.1:5001"));
    CHECK(id_token_may_go_to("http://127.1.2.3"));
    CHECK(id_token_may_go_to("http://localhost:5001"));
    CHECK(id_token_may_go_to("http://[::1]:5001"));
    CHECK_FALSE(id_token_may_go_to("http://patd.example.com"));
    CHECK_FALSE(id_token_may_go_to("http://10.0.0.5:5001"));
    CHECK_FALSE(id_token_may_go_to("http://127.0.0.1.evil.example"));
    CHECK_FALSE(id_token_may_go_to("http://localhost.evil.example"));
    CHECK_FALSE(id_token_may_go_to("ftp://127.0.0.1"));
    CHECK_FALSE(id_token_may_go_to("patd.example.com"));
}

namespace {
pat::cred::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}
const auto k_later = std::chrono::steady_clock::now() + std::chrono::hours(1);
}  // namespace

TEST_CASE("the ID token comes from the flag first, then GitHub, then the id_tokens variable",
          "[ci][oidc]") {
    IdTokenRequest r;
    r.env_name = "MY_TOKEN";
    auto t = job_id_token(
        r, env_of({{"MY_TOKEN", "a.b.c"}, {"DOCKER_CREDENTIAL_PAT_ID_TOKEN", "x"}}), k_later);
    REQUIRE(t.ok());
    CHECK(t->token.reveal() == "a.b.c");
    CHECK(t->source == "$MY_TOKEN");

    auto gitlab = job_id_token({}, env_of({{"DOCKER_CREDENTIAL_PAT_ID_TOKEN", "g.h.i"}}), k_later);
    REQUIRE(gitlab.ok());
    CHECK(gitlab->token.reveal() == "g.h.i");
    CHECK(gitlab->source == "$DOCKER_CREDENTIAL_PAT_ID_TOKEN");

    auto half =
        job_id_token({}, env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "https://x/y"}}), k_later);
    REQUIRE_FALSE(half.ok());
    CHECK(half.error().message ==
          "cannot get the job's ID token from GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL): "
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN or the URL is not set");
    auto none = job_id_token({}, env_of({{"GITLAB_CI", "true"}}), k_later);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == pat::cred::Errc::bad_input);
}
