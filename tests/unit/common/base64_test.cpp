#include "common/base64.hpp"

#include <catch2/catch.hpp>

using pat::base64url_decode;
using pat::jwt_payload;

TEST_CASE("base64url_decode reads both alphabets, with or without padding", "[common]") {
    CHECK(base64url_decode("Zm9vYmFy") == std::optional<std::string>("foobar"));
    CHECK(base64url_decode("Zg") == std::optional<std::string>("f"));
    CHECK(base64url_decode("Zg==") == std::optional<std::string>("f"));
    CHECK(base64url_decode("-_8") == std::optional<std::string>("\xfb\xff"));
    CHECK(base64url_decode("+/8=") == std::optional<std::string>("\xfb\xff"));
    CHECK_FALSE(base64url_decode("Zm9v!mFy").has_value());
}

TEST_CASE("jwt_payload decodes the middle segment only", "[common]") {
    // {"exp":1} as base64url, between a header and a signature
    CHECK(jwt_payload("eyJhbGciOiJub25lIn0.eyJleHAiOjF9.sig") ==
          std::optional<std::string>(R"({"exp":1})"));
    CHECK_FALSE(jwt_payload("no-dots").has_value());
    CHECK_FALSE(jwt_payload("one.dot").has_value());
    CHECK_FALSE(jwt_payload("a.b*d.c").has_value());
}
