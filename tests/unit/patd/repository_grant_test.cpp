#include "patd/domain/repository_grant.hpp"

#include <catch2/catch.hpp>

using namespace pat::patd;
using V = std::vector<std::string>;

TEST_CASE("grants take exact names and trailing /* patterns", "[grant]") {
    auto exact = parse_repository_grant("alice/app=push,pull");
    REQUIRE(exact);
    CHECK(exact->pattern == "alice/app");
    CHECK(exact->actions == V{"pull", "push"});  // normalised order
    CHECK(to_string(*exact) == "alice/app=pull,push");

    auto prefix = parse_repository_grant("alice/*=pull,pull");
    REQUIRE(prefix);
    CHECK(prefix->actions == V{"pull"});  // duplicates merged
    CHECK(to_string(*prefix) == "alice/*=pull");

    auto all = make_repository_grant("alice/team/app", {"delete", "pull", "push"});
    REQUIRE(all);
    CHECK(all->actions == V{"pull", "push", "delete"});
}

TEST_CASE("bad grants get the message users see", "[grant]") {
    auto message = [](std::string_view text) {
        auto g = parse_repository_grant(text);
        REQUIRE_FALSE(g);
        return g.error();
    };
    CHECK(message("alice/app") ==
          "grant \"alice/app\" is not PATTERN=ACTIONS, e.g. alice/app=push,pull");
    CHECK(message("=pull") == "grant pattern is empty");
    CHECK(message("alice/app=") == "grant \"alice/app\" has no actions (pull, push, delete)");
    CHECK(message("alice/app=pull,") == "unknown grant action \"\" (pull, push, delete)");
    CHECK(message("alice/app=pul") == "unknown grant action \"pul\" (pull, push, delete)");
    CHECK(message("alice/app=*") == "unknown grant action \"*\" (pull, push, delete)");
    for (const char* pattern : {"*", "/*", "alice/*/app", "alice*", "Alice/app", "alice/../bob",
                                "alice/app:tag", "alice//app", "alice/*/*"}) {
        CAPTURE(pattern);
        CHECK(message(std::string(pattern) + "=pull") ==
              "grant pattern \"" + std::string(pattern) +
                  "\" is not a repository name or a name followed by /*");
    }
    auto none = make_repository_grant("alice/app", {});
    REQUIRE_FALSE(none);
    CHECK(none.error() == "grant \"alice/app\" has no actions (pull, push, delete)");
}

TEST_CASE("patterns match the exact name or anything below the prefix", "[grant]") {
    CHECK(grant_pattern_matches("alice/app", "alice/app"));
    CHECK_FALSE(grant_pattern_matches("alice/app", "alice/app2"));
    CHECK_FALSE(grant_pattern_matches("alice/app", "alice/app/sub"));
    CHECK(grant_pattern_matches("alice/*", "alice/app"));
    CHECK(grant_pattern_matches("alice/*", "alice/team/app"));
    CHECK_FALSE(grant_pattern_matches("alice/*", "alice"));
    CHECK_FALSE(grant_pattern_matches("alice/*", "alice/"));
    CHECK_FALSE(grant_pattern_matches("alice/*", "alicex/app"));
    CHECK_FALSE(grant_pattern_matches("alice/*", "bob/alice/app"));
    CHECK(grant_pattern_matches("alice/team/*", "alice/team/app"));
    CHECK_FALSE(grant_pattern_matches("alice/team/*", "alice/app"));
}

TEST_CASE("granted actions are the union of matching grants, not stacked", "[grant]") {
    const std::vector<RepositoryGrant> grants = {
        *parse_repository_grant("alice/app=push"),
        *parse_repository_grant("alice/*=pull"),
        *parse_repository_grant("alice/old=delete"),
    };
    CHECK(granted_actions(grants, "alice/app") == V{"pull", "push"});
    CHECK(granted_actions(grants, "alice/secret") == V{"pull"});
    CHECK(granted_actions(grants, "alice/old") == V{"pull", "delete"});  // delete gives no push
    CHECK(granted_actions(grants, "bob/app").empty());

    const std::vector<RepositoryGrant> push_only = {*parse_repository_grant("alice/app=push")};
    CHECK(granted_actions(push_only, "alice/app") == V{"push"});  // push does not imply pull
    CHECK(granted_actions(push_only, "alice/secret").empty());
    CHECK(granted_actions({}, "alice/app").empty());
}

TEST_CASE("requested, granted and repository access intersect", "[grant]") {
    const std::vector<RepositoryGrant> grants = {*parse_repository_grant("alice/app=push")};
    const V requested = {"pull", "push"};
    const V repository_access = {"pull", "push", "delete"};
    CHECK(intersect_actions(intersect_actions(requested, granted_actions(grants, "alice/app")),
                            repository_access) == V{"push"});
    CHECK(intersect_actions(V{"push", "pull", "push"}, V{"pull", "push"}) == V{"push", "pull"});
    CHECK(intersect_actions(V{"delete"}, V{"pull", "push"}).empty());
    CHECK(intersect_actions({}, V{"pull"}).empty());
}
