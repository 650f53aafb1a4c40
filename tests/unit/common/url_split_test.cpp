#include "common/url_split.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace pat;

namespace {
std::string joined(const UrlSplit& s) {
    std::string out;
    if (s.has_scheme) out.append(s.scheme).append("://");
    out.append(s.userinfo).append(s.authority).append(s.path).append(s.query).append(s.fragment);
    return out;
}
}  // namespace

TEST_CASE("url split: a full URL in its pieces", "[url]") {
    const auto s = split_url("https://u:p@w@h.example:5000/v2/x?a=1&b#frag");
    CHECK(s.has_scheme);
    CHECK(s.scheme == "https");
    CHECK(s.userinfo == "u:p@w@");  // the last '@' ends the user info
    CHECK(s.authority == "h.example:5000");
    CHECK(s.path == "/v2/x");
    CHECK(s.query == "?a=1&b");
    CHECK(s.fragment == "#frag");
}

TEST_CASE("url split: a bare server key is all authority", "[url]") {
    const auto s = split_url("registry.example:5000");
    CHECK_FALSE(s.has_scheme);
    CHECK(s.scheme.empty());
    CHECK(s.authority == "registry.example:5000");
    CHECK(s.path.empty());
    CHECK(s.query.empty());
    CHECK(s.fragment.empty());
}

TEST_CASE("url split: empty pieces keep their delimiters", "[url]") {
    CHECK(split_url("h?").query == "?");
    CHECK(split_url("h#").fragment == "#");
    CHECK(split_url("h/").path == "/");
    CHECK(split_url("@h").userinfo == "@");
    CHECK(split_url("://h").has_scheme);
    CHECK(split_url("://h").scheme.empty());
    // a '#' before a '?' makes the rest fragment; '@' past the authority is path
    CHECK(split_url("h#a?b").query.empty());
    CHECK(split_url("h#a?b").fragment == "#a?b");
    CHECK(split_url("h/a@b").userinfo.empty());
    CHECK(split_url("h/a@b").path == "/a@b");
    CHECK(split_url("h?a/b").path.empty());
    CHECK(split_url("h?a/b").query == "?a/b");
}

TEST_CASE("url split: the pieces give back the input", "[url]") {
    for (const char* text : {"", "h", "https://h", "http://u@h:1/p?q#f", "://", "a://b://c",
                             "h#a?b", "[::1]:80/x", "x@y@z/w@v?@#@"}) {
        INFO(text);
        CHECK(joined(split_url(text)) == text);
    }
}

TEST_CASE("url split: host and port", "[url]") {
    auto hp = split_host_port("h.example:5000");
    REQUIRE(hp);
    CHECK(hp->host == "h.example");
    CHECK(hp->port == "5000");
    hp = split_host_port("h.example");
    REQUIRE(hp);
    CHECK(hp->host == "h.example");
    CHECK(hp->port.empty());
    hp = split_host_port("[::1]:443");
    REQUIRE(hp);
    CHECK(hp->host == "[::1]");
    CHECK(hp->port == "443");
    hp = split_host_port("[::1]");
    REQUIRE(hp);
    CHECK(hp->host == "[::1]");
    CHECK(hp->port.empty());
    hp = split_host_port("h:abc");  // digits are the caller's rule
    REQUIRE(hp);
    CHECK(hp->port == "abc");
    CHECK_FALSE(split_host_port("[::1"));
    CHECK_FALSE(split_host_port("[::1]x"));
}
