// PatAwareStore over a MemoryStore, a scripted token service and a manual
// clock: what `store` keeps, when `get` drops a credential, what `erase`
// and `list` do with the helper's own state (docs/lifecycle.md).
#include <catch2/catch.hpp>

#include "helper/state/token_metadata.hpp"
#include "lifecycle_fixture.hpp"

using namespace pat;
using namespace pat::helper;
using test::k_key;
using tokenclient::TokenInfo;
using tokenclient::TokenState;
using Fixture = test::LifecycleFixture;

namespace {

std::string meta(const cred::Credentials& c, const std::string& name) {
    auto it = c.metadata.find(name);
    return it == c.metadata.end() ? "" : it->second;
}

}  // namespace

TEST_CASE("store: an active PAT is kept with its scopes, state and a fresh generation") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    auto item = f.stored();
    CHECK(item.secret.reveal() == "dckr_pat_good");
    CHECK(meta(item, "pat_state") == "active");
    CHECK(meta(item, "pat_kind") == "patd");
    CHECK(meta(item, "pat_scopes") == "repo:read repo:write");
    CHECK(meta(item, "pat_uuid") == "u-1");
    CHECK(meta(item, "pat_checked_at") == tokenclient::format_time(f.clock.now()));
    CHECK(meta(item, "pat_gen").size() == 32);
    CHECK(f.warnings.str().empty());

    REQUIRE(f.add("dckr_pat_good"));
    CHECK(meta(f.stored(), "pat_gen") != meta(item, "pat_gen"));
}

TEST_CASE("store: service down -> stored unchecked with one warning line") {
    Fixture f;
    f.service.unreachable = true;
    REQUIRE(f.add("dckr_pat_good"));
    auto item = f.stored();
    CHECK(item.secret.reveal() == "dckr_pat_good");
    CHECK(meta(item, "pat_state") == "unknown");
    CHECK_FALSE(meta(item, "pat_gen").empty());
    CHECK(helper::from_metadata(item.metadata).state == TokenState::unknown);
    CHECK(f.warnings.str() ==
          "docker-credential-pat: warning: could not check the token for registry.example:5000 "
          "(cannot reach http://127.0.0.1:9); stored it unchecked\n");
}

TEST_CASE("store: no token service -> stored without validation or warning") {
    Fixture f;
    f.service.kind = tokenclient::ServiceKind::none;
    REQUIRE(f.add("anything"));
    CHECK(f.stored().secret.reveal() == "anything");
    CHECK(helper::from_metadata(f.stored().metadata).state == TokenState::unknown);
    CHECK(f.warnings.str().empty());
}

TEST_CASE("store: a password is exchanged for an auto-generated PAT, never stored itself") {
    Fixture f;
    REQUIRE(f.add("hunter2"));
    auto item = f.stored();
    CHECK(item.secret.reveal() == "dckr_pat_auto1");
    CHECK(item.username == "alice");
    CHECK(meta(item, "pat_generated_by") == "auto");
    CHECK(meta(item, "pat_state") == "active");
    for (const auto& [name, value] : item.metadata)
        CHECK(value.find("hunter2") == std::string::npos);
    CHECK(f.warnings.str().empty());
}

TEST_CASE("store: exchange off keeps the password, unchecked") {
    Fixture f;
    f.exchange = false;
    REQUIRE(f.add("hunter2"));
    CHECK(f.stored().secret.reveal() == "hunter2");
    CHECK(helper::from_metadata(f.stored().metadata).state == TokenState::unknown);
    CHECK(f.service.generated == 0);
}

TEST_CASE("store: an identity token is stored without asking the service") {
    Fixture f;
    REQUIRE(f.store().add(
        cred::Credentials{k_key, "<token>", Secret::copy_of("oauth-refresh-token"), {}}));
    CHECK(f.service.validated.empty());
    auto item = f.stored();
    CHECK(item.secret.reveal() == "oauth-refresh-token");
    CHECK(meta(item, "pat_state") == "unknown");
    CHECK(meta(item, "pat_reason") == "identity token: not checked");
    CHECK_FALSE(meta(item, "pat_gen").empty());
    CHECK(f.warnings.str().empty());
}

TEST_CASE("store: refusals leave the previous credential untouched") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    const std::string gen = meta(f.stored(), "pat_gen");

    SECTION("a 2FA account sending a password gets the PAT-required message") {
        auto r = f.add("2fa-password");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("please use personal access token to login") !=
              std::string::npos);
    }
    SECTION("a wrong password") {
        auto r = f.add("wrong");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == cred::Errc::service_unauthorized);
        CHECK(r.error().message.find("wrong") == std::string::npos);
    }
    SECTION("a deactivated PAT") {
        TokenInfo off;
        off.state = TokenState::inactive;
        off.reason = "token is deactivated";
        f.service.tokens["dckr_pat_off"] = off;
        auto r = f.add("dckr_pat_off");
        REQUIRE_FALSE(r);
        CHECK(r.error().message ==
              "the token service refused the credentials for registry.example:5000: token is "
              "deactivated");
        CHECK(f.service.generated == 0);  // a PAT is never sent to the login route
    }
    SECTION("a registry-protocol service refusing the secret") {
        f.service.kind = tokenclient::ServiceKind::registry;
        auto r = f.add("nope");
        REQUIRE_FALSE(r);
        CHECK(r.error().message ==
              "the token service refused the credentials for registry.example:5000: unknown "
              "token");
    }
    auto item = f.stored();
    CHECK(item.secret.reveal() == "dckr_pat_good");
    CHECK(meta(item, "pat_gen") == gen);
}

TEST_CASE("get: a valid token is returned, a use is spooled and a flush requested") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    f.service.validated.clear();
    f.clock.advance(std::chrono::seconds(30));
    auto got = f.store().get(k_key);
    REQUIRE(got);
    CHECK(got->secret.reveal() == "dckr_pat_good");
    CHECK(f.service.validated.empty());  // get never asks the service
    auto pending = f.spool->pending();
    REQUIRE(pending);
    REQUIRE(pending->count(k_key) == 1);
    CHECK(pending->at(k_key).last_used == f.clock.now());
    CHECK(f.flush_requests == 1);
    CHECK(f.warnings.str().empty());
}

TEST_CASE("get: a revoked verdict for this generation erases the item and answers not found") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.store().get(k_key));  // one pending use
    const std::string gen = meta(f.stored(), "pat_gen");
    const std::pair<TokenState, const char*> cases[] = {
        {TokenState::inactive, "was deactivated"},
        {TokenState::deleted, "was deleted"},
        {TokenState::expired, "expired"},
        {TokenState::invalid, "is no longer accepted by the token service"}};
    for (const auto& [state, why] : cases) {
        REQUIRE(f.add("dckr_pat_good"));
        TokenInfo verdict;
        verdict.state = state;
        verdict.generation = meta(f.stored(), "pat_gen");
        REQUIRE(f.verdicts->put(k_key, verdict));
        f.warnings.str("");
        auto got = f.store().get(k_key);
        REQUIRE_FALSE(got);
        CHECK(got.error().code == cred::Errc::not_found);
        CHECK(got.error().message == cred::k_not_found_message);
        CHECK(f.warnings.str() == std::string("docker-credential-pat: the token for ") + k_key +
                                      " " + why + "; log in again (docker login " + k_key + ")\n");
        CHECK(f.inner.get(k_key).error().code == cred::Errc::not_found);
        CHECK(f.spool->pending()->count(k_key) == 0);
        CHECK_FALSE(f.verdicts->lookup(k_key, verdict.generation));
    }
}

TEST_CASE("get: a verdict about another generation is ignored") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    TokenInfo verdict;
    verdict.state = TokenState::inactive;
    verdict.generation = "0123456789abcdef0123456789abcdef";
    REQUIRE(f.verdicts->put(k_key, verdict));
    REQUIRE(f.store().get(k_key));
    CHECK(f.warnings.str().empty());
}

TEST_CASE("get: a token past expires_at is dropped without asking anyone") {
    Fixture f;
    TokenInfo soon = f.service.tokens["dckr_pat_good"];
    soon.expires_at = f.clock.now() + std::chrono::hours(1);
    f.service.tokens["dckr_pat_soon"] = soon;
    REQUIRE(f.add("dckr_pat_soon"));
    REQUIRE(f.store().get(k_key));
    f.clock.advance(std::chrono::hours(2));
    auto got = f.store().get(k_key);
    REQUIRE_FALSE(got);
    CHECK(got.error().code == cred::Errc::not_found);
    CHECK(f.warnings.str() == std::string("docker-credential-pat: the token for ") + k_key +
                                  " expired; log in again (docker login " + k_key + ")\n");
}

TEST_CASE("get: an item written by another tool (no metadata) is returned as is") {
    Fixture f;
    REQUIRE(f.inner.add(cred::Credentials{k_key, "bob", Secret::copy_of("pw"), {}}));
    auto got = f.store().get(k_key);
    REQUIRE(got);
    CHECK(got->secret.reveal() == "pw");
    CHECK(f.spool->pending()->count(k_key) == 1);
}

TEST_CASE("erase: drops the verdict and the spooled uses too") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.store().get(k_key));
    TokenInfo verdict;
    verdict.state = TokenState::active;
    verdict.generation = meta(f.stored(), "pat_gen");
    REQUIRE(f.verdicts->put(k_key, verdict));
    REQUIRE(f.store().erase(k_key));
    CHECK(f.inner.get(k_key).error().code == cred::Errc::not_found);
    CHECK(f.spool->pending()->empty());
    CHECK(f.verdicts->load_all().empty());
    // Erasing nothing says so (not found) and leaves no state behind.
    auto again = f.store().erase(k_key);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == cred::Errc::not_found);
}

TEST_CASE("internal items: not validated, not spooled, hidden from list") {
    Fixture f;
    const std::string internal = std::string(k_internal_key_prefix) + "session/patd";
    REQUIRE(f.add("session-jwt", internal));
    REQUIRE(f.add("dckr_pat_good"));
    CHECK(f.service.validated == std::vector<std::string>{k_key});
    CHECK(f.stored(internal).metadata.empty());
    REQUIRE(f.store().get(internal));
    CHECK(f.spool->pending()->count(internal) == 0);
    auto listed = f.store().list();
    REQUIRE(listed);
    CHECK(*listed == std::map<std::string, std::string>{{k_key, "alice"}});
}
