#include "patd/http/parse.hpp"

#include <catch2/catch.hpp>

using namespace pat::http;

TEST_CASE("query strings keep repeated scope parameters in order", "[patd][http]") {
    auto params = parse_form(
        "service=registry&scope=repository%3Aalice%2Fapp%3Apull&scope=repository:bob/x:pull,push"
        "&account=alice&offline_token=true&client_id=docker");
    REQUIRE(params.has_value());
    CHECK(first_param(*params, "service") == std::optional<std::string>("registry"));
    CHECK(all_params(*params, "scope") ==
          std::vector<std::string>{"repository:alice/app:pull", "repository:bob/x:pull,push"});
    CHECK(first_param(*params, "account") == std::optional<std::string>("alice"));
    CHECK_FALSE(first_param(*params, "missing").has_value());
    CHECK(all_params(*params, "missing").empty());
}

TEST_CASE("OAuth2 form bodies decode '+' and percent escapes", "[patd][http]") {
    auto form = parse_form(
        "grant_type=password&username=alice&password=p%40ss+word%26x&service=registry"
        "&client_id=containerd-client&scope=repository%3Aa%2Fb%3Apull+repository%3Aa%2Fc%3Apush");
    REQUIRE(form.has_value());
    CHECK(first_param(*form, "grant_type") == std::optional<std::string>("password"));
    CHECK(first_param(*form, "password") == std::optional<std::string>("p@ss word&x"));
    CHECK(first_param(*form, "scope") ==
          std::optional<std::string>("repository:a/b:pull repository:a/c:push"));
}

TEST_CASE("forms: empty, keys without '=', and bad escapes", "[patd][http]") {
    CHECK(parse_form("")->empty());
    auto flags = parse_form("a&b=&&c=1");
    REQUIRE(flags.has_value());
    REQUIRE(flags->size() == 3);
    CHECK((*flags)[0] == std::pair<std::string, std::string>("a", ""));
    CHECK((*flags)[1] == std::pair<std::string, std::string>("b", ""));
    CHECK_FALSE(parse_form("a=%zz").has_value());
    CHECK_FALSE(parse_form("a=%4").has_value());
    CHECK_FALSE(parse_form("a=%").has_value());
    CHECK(percent_decode("a+b", false) == std::optional<std::string>("a+b"));
    CHECK(percent_decode("a%2Bb", true) == std::optional<std::string>("a+b"));
}

TEST_CASE("Basic credentials decode user and secret, secret may hold ':'", "[patd][http]") {
    // base64("alice:dckr_pat_abc:def")
    auto creds = parse_basic_auth("Basic YWxpY2U6ZGNrcl9wYXRfYWJjOmRlZg==");
    REQUIRE(creds.has_value());
    CHECK(creds->username == "alice");
    CHECK(creds->secret.reveal() == "dckr_pat_abc:def");
    // Scheme is case-insensitive; extra spaces tolerated.
    auto lower = parse_basic_auth("basic   YWxpY2U6eA==");
    REQUIRE(lower.has_value());
    CHECK(lower->secret.reveal() == "x");
}

TEST_CASE("Basic credentials: malformed headers are refused", "[patd][http]") {
    CHECK_FALSE(parse_basic_auth("").has_value());
    CHECK_FALSE(parse_basic_auth("Basic").has_value());
    CHECK_FALSE(parse_basic_auth("Bearer YWxpY2U6eA==").has_value());
    CHECK_FALSE(parse_basic_auth("Basic !!!!").has_value());
    CHECK_FALSE(parse_basic_auth("Basic YWxpY2U=").has_value());      // "alice", no ':'
    CHECK_FALSE(parse_basic_auth("Basic OnNlY3JldA==").has_value());  // ":secret"
}

TEST_CASE("Bearer and Docker Hub JWT schemes carry a session token", "[patd][http]") {
    CHECK(parse_bearer_auth("Bearer abc.def.ghi")->reveal() == "abc.def.ghi");
    CHECK(parse_bearer_auth("bearer abc")->reveal() == "abc");
    CHECK(parse_bearer_auth("JWT abc")->reveal() == "abc");
    CHECK_FALSE(parse_bearer_auth("Basic abc").has_value());
    CHECK_FALSE(parse_bearer_auth("Bearer ").has_value());
}
