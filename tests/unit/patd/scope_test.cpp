#include "patd/domain/scope.hpp"

#include <catch2/catch.hpp>

using namespace pat::patd;

TEST_CASE("token scopes accept API values and CLI aliases only", "[scope]") {
    CHECK(parse_token_scope("repo:public_read") == TokenScope::public_read);
    CHECK(parse_token_scope("public-read") == TokenScope::public_read);
    CHECK(parse_token_scope("repo:read") == TokenScope::read);
    CHECK(parse_token_scope("read") == TokenScope::read);
    CHECK(parse_token_scope("repo:write") == TokenScope::write);
    CHECK(parse_token_scope("write") == TokenScope::write);
    CHECK(parse_token_scope("repo:admin") == TokenScope::admin);
    CHECK(parse_token_scope("delete") == TokenScope::admin);
    for (const char* bad : {"", "admin", "repo:Read", "repo:delete", "public_read", " read"})
        CHECK_FALSE(parse_token_scope(bad));
    CHECK(to_string(TokenScope::public_read) == "repo:public_read");
    CHECK(to_string(TokenScope::admin) == "repo:admin");
}

TEST_CASE("token scopes map to registry actions", "[scope]") {
    using V = std::vector<std::string>;
    CHECK(scope_actions(TokenScope::public_read) == V{"pull"});
    CHECK(scope_actions(TokenScope::read) == V{"pull"});
    CHECK(scope_actions(TokenScope::write) == V{"pull", "push"});
    CHECK(scope_actions(TokenScope::admin) == V{"pull", "push", "delete"});
}

TEST_CASE("resource scopes follow type[(class)]:name:actions", "[scope]") {
    auto s = parse_resource_scope("repository:alice/app:pull,push");
    REQUIRE(s);
    CHECK(s->type == "repository");
    CHECK(s->resource_class.empty());
    CHECK(s->name == "alice/app");
    CHECK(s->actions == std::vector<std::string>{"pull", "push"});

    SECTION("a name with host:port keeps its colon") {
        auto h = parse_resource_scope("repository:localhost:5000/alice/app:pull");
        REQUIRE(h);
        CHECK(h->name == "localhost:5000/alice/app");
        CHECK(h->actions == std::vector<std::string>{"pull"});
    }
    SECTION("a class in parentheses") {
        auto p = parse_resource_scope("repository(plugin):alice/p:pull");
        REQUIRE(p);
        CHECK(p->type == "repository");
        CHECK(p->resource_class == "plugin");
    }
    SECTION("catalog") {
        auto c = parse_resource_scope("registry:catalog:*");
        REQUIRE(c);
        CHECK(c->type == "registry");
        CHECK(c->name == "catalog");
        CHECK(c->actions == std::vector<std::string>{"*"});
    }
    SECTION("duplicate actions collapse") {
        auto d = parse_resource_scope("repository:a/b:pull,pull,push");
        REQUIRE(d);
        CHECK(d->actions == std::vector<std::string>{"pull", "push"});
    }
    SECTION("malformed") {
        for (const char* bad : {"", "repository", "repository:a", ":a/b:pull", "repository::pull",
                                "repository:a/b:", "repository:a/b:pull,", "repository:a/b:,pull",
                                "repository:a b:pull", "repository(:a:pull", "repository():a:pull",
                                "repo)sitory:a:pull", "repository(x)y:a:pull"})
            CHECK_FALSE(parse_resource_scope(bad));
    }
}

TEST_CASE("space-separated scope lists parse item by item", "[scope]") {
    auto list = parse_resource_scopes("repository:a/b:pull  repository:a/c:push,pull");
    REQUIRE(list);
    REQUIRE(list->size() == 2);
    CHECK((*list)[1].name == "a/c");
    CHECK(parse_resource_scopes("")->empty());
    CHECK_FALSE(parse_resource_scopes("repository:a/b:pull bad"));
}
