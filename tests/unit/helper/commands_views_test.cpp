#include <catch2/catch.hpp>

#include "helper/commands/docker_config.hpp"
#include "helper/commands/session.hpp"
#include "helper/commands/token_views.hpp"

using namespace pat::helper::cmd;
using pat::tokenclient::TokenInfo;
using pat::tokenclient::TokenState;

namespace {
TokenInfo token(std::string uuid, std::string label, TokenState state = TokenState::active) {
    TokenInfo t;
    t.uuid = std::move(uuid);
    t.label = std::move(label);
    t.state = state;
    t.scopes = {"repo:admin"};
    return t;
}
}  // namespace

TEST_CASE("tokens are found by uuid first, then by a unique label", "[commands][tokens]") {
    const std::vector<TokenInfo> tokens{token("u1", "ci"), token("u2", "dup"), token("u3", "dup"),
                                        token("u4", "u1")};
    CHECK(find_token(tokens, "u1").value().label == "ci");  // uuid wins over a label "u1"
    CHECK(find_token(tokens, "ci").value().uuid == "u1");
    auto ambiguous = find_token(tokens, "dup");
    REQUIRE_FALSE(ambiguous.ok());
    CHECK(ambiguous.error().message ==
          "the label 'dup' is used by 2 tokens; give the uuid instead");
    auto none = find_token(tokens, "nope");
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == pat::cred::Errc::not_found);
    CHECK(none.error().message == "no token with uuid or label 'nope'");
}

TEST_CASE("token rows and counts", "[commands][tokens]") {
    std::vector<TokenInfo> tokens{token("u1", "a"), token("u2", "b", TokenState::inactive),
                                  token("u3", "c", TokenState::expired)};
    CHECK(token_counts(tokens) == "1 active, 2 inactive");
    const auto row = token_table_row(tokens[0]);
    CHECK(row == TableRow{"a", "delete", "active", "manual", "-", "never", "never", "u1"});
    const auto j = token_json(tokens[1]);
    CHECK(j.dump() ==
          R"({"uuid":"u2","label":"b","scopes":["delete"],"status":"inactive","source":"manual",)"
          R"("created_at":null,"last_used":null,"expires_at":null})");
}

TEST_CASE("docker config edits keep everything else", "[commands][docker-config]") {
    auto config = DockerConfig::parse(R"({"auths":{},"credHelpers":{"other":"ecr"}})");
    CHECK(set_cred_helper(config, "r:5000", "pat"));
    CHECK_FALSE(set_cred_helper(config, "r:5000", "pat"));
    CHECK(config.dump() == R"({"auths":{},"credHelpers":{"other":"ecr","r:5000":"pat"}})");
    CHECK_FALSE(remove_cred_helper(config, "other", "pat"));  // not ours
    CHECK(remove_cred_helper(config, "r:5000", "pat"));
    CHECK(remove_cred_helper(config, "other", "ecr"));
    CHECK(config.dump() == R"({"auths":{}})");  // an emptied credHelpers goes away
    CHECK(set_creds_store(config, "pat"));
    CHECK_FALSE(set_creds_store(config, "pat"));
    CHECK(config["credsStore"] == "pat");
}

TEST_CASE("a session JWT's exp bounds how long it is cached", "[commands][session]") {
    // header {"alg":"none"}, payload {"exp":1800000000,"sub":"alice"}
    CHECK(jwt_expiry("eyJhbGciOiJub25lIn0.eyJleHAiOjE4MDAwMDAwMDAsInN1YiI6ImFsaWNlIn0.sig") ==
          std::chrono::system_clock::time_point(std::chrono::seconds(1800000000)));
    CHECK_FALSE(jwt_expiry("not-a-jwt"));
    CHECK_FALSE(jwt_expiry("a.b.c"));
    CHECK_FALSE(jwt_expiry("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.sig"));  // no exp
}
