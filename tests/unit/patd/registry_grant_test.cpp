#include <catch2/catch.hpp>

#include "service_fixture.hpp"

using namespace patd_test;
using V = std::vector<std::string>;

namespace {
struct GrantFixture : ServiceFixture {
    Principal alice;
    GrantFixture() {
        add_user("alice");
        add_user("bob");
        alice = session_of("alice");
    }
    // Actions granted on `scope` with a PAT of `token_scope` (or a password
    // when token_scope is null, anonymous when user is null).
    V actions(const char* token_scope, const std::string& scope, const char* user = "alice") {
        std::optional<BasicCredentials> creds;
        if (user && token_scope) creds = basic(user, make_token(alice, token_scope).token);
        if (user && !token_scope) creds = basic(user, pw("password1"));
        auto g =
            service->registry_grant(GrantRequest{std::move(creds), client, "registry", {scope}});
        REQUIRE(g.ok());
        if (g->access.empty()) return {};
        REQUIRE(g->access.size() == 1);
        return g->access[0].actions;
    }
};
}  // namespace

TEST_CASE("grants intersect the request with the PAT scope on the own namespace",
          "[service][grant]") {
    GrantFixture f;
    const char* all = "repository:alice/app:pull,push,delete";
    CHECK(f.actions("repo:public_read", all).empty());
    CHECK(f.actions("repo:read", all) == V{"pull"});
    CHECK(f.actions("repo:write", all) == V{"pull", "push"});
    CHECK(f.actions("repo:admin", all) == V{"pull", "push", "delete"});
    CHECK(f.actions("repo:admin", "repository:alice/app:push") == V{"push"});
    CHECK(f.actions("repo:admin", "repository:alice/a/b/c:*") == V{"pull", "push", "delete"});
    CHECK(f.actions("repo:write", "repository:alice/app:delete").empty());
}

TEST_CASE("other namespaces get nothing, public ones pull for everyone", "[service][grant]") {
    GrantFixture f;
    CHECK(f.actions("repo:admin", "repository:bob/app:pull,push").empty());
    CHECK(f.actions("repo:admin", "repository:alice:pull").empty());  // no namespace
    CHECK(f.actions("repo:admin", "repository:alicex/app:pull").empty());
    CHECK(f.actions("repo:admin", "repository:library/alpine:pull,push") == V{"pull"});
    CHECK(f.actions("repo:public_read", "repository:library/alpine:pull") == V{"pull"});
    CHECK(f.actions(nullptr, "repository:library/alpine:pull,push", nullptr) == V{"pull"});
    CHECK(f.actions(nullptr, "repository:alice/app:pull", nullptr).empty());
}

TEST_CASE("names outside the registry's grammar get nothing", "[service][grant]") {
    GrantFixture f;
    for (const std::string& name :
         {std::string("alice/../bob/x"), std::string("alice//x"), std::string("alice/x:tag"),
          std::string("alice/x\0y", 9), std::string("alice/\xef\xbd\x81pp"),
          std::string("alice/App"), std::string("alice/./x"), std::string("alice/x/")}) {
        INFO(name);
        CHECK(f.actions("repo:admin", "repository:" + name + ":pull,push").empty());
        CHECK(f.actions(nullptr, "repository:" + name + ":pull").empty());
    }
    CHECK(f.actions(nullptr, "repository:library/../alice/x:pull", nullptr).empty());
    CHECK(f.actions("repo:admin", "repository:alice/a.b_c__d-e--f/x:pull") == V{"pull"});
}

TEST_CASE("a password grants like repo:admin unless 2FA is on", "[service][grant]") {
    GrantFixture f;
    CHECK(f.actions(nullptr, "repository:alice/app:pull,push,delete") ==
          V{"pull", "push", "delete"});
    REQUIRE(f.service->enable_2fa("alice").ok());
    auto g = f.service->registry_grant(
        GrantRequest{f.basic("alice", f.pw("password1")), f.client, "registry", {}});
    REQUIRE_FALSE(g.ok());
    CHECK(g.error().code == ErrorCode::use_pat);
    CHECK(g.error().message == "please use personal access token to login");
    CHECK(f.actions("repo:write", "repository:alice/app:push") == V{"push"});
}

TEST_CASE("grant requests: subject, catalog, merging, malformed and bad credentials",
          "[service][grant]") {
    GrantFixture f;
    auto pat = f.make_token(f.alice, "repo:admin");
    auto g = f.service->registry_grant(
        GrantRequest{f.basic("alice", pat.token),
                     f.client,
                     "registry",
                     {"registry:catalog:*", "repository:alice/a:pull repository:alice/a:push",
                      "repository(plugin):alice/p:pull", "repository:bob/x:pull"}});
    REQUIRE(g.ok());
    CHECK(g->subject == "alice");
    REQUIRE(g->access.size() == 2);
    CHECK(g->access[0] == GrantedAccess{"repository", "", "alice/a", {"pull", "push"}});
    CHECK(g->access[1] == GrantedAccess{"repository", "plugin", "alice/p", {"pull"}});

    auto login = f.service->registry_grant(
        GrantRequest{f.basic("alice", pat.token), f.client, "registry", {}});
    REQUIRE(login.ok());
    CHECK(login->access.empty());

    auto anon = f.service->registry_grant(GrantRequest{std::nullopt, f.client, "registry", {}});
    REQUIRE(anon.ok());
    CHECK(anon->subject.empty());

    auto bad = f.service->registry_grant(
        GrantRequest{std::nullopt, f.client, "registry", {"repository:alice/app"}});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::bad_request);

    auto wrong = f.service->registry_grant(
        GrantRequest{f.basic("alice", f.pw("nope-nope")), f.client, "registry", {}});
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::unauthorized);
    CHECK(http_status(wrong.error().code) == 401);
}
