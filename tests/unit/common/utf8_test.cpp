#include "common/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace std::string_literals;

TEST_CASE("utf8: well-formed text is strict UTF-8", "[utf8]") {
    CHECK(pat::is_strict_utf8(""));
    CHECK(pat::is_strict_utf8("registry.example.com:5000"));
    CHECK(pat::is_strict_utf8("ünïcödé \xe2\x82\xac \xf0\x9f\x90\xb3"));  // €, 🐳
    CHECK(pat::is_strict_utf8("\xef\xbf\xbd\xef\xbf\xbf"));               // U+FFFD, U+FFFF
    CHECK(pat::is_strict_utf8("\xf4\x8f\xbf\xbf"));                       // U+10FFFF
    CHECK(pat::is_strict_utf8("a\0b"s));                                  // NUL is UTF-8
}

TEST_CASE("utf8: malformed sequences are refused", "[utf8]") {
    for (const std::string& bad :
         {"\xff"s, "\xfe\xff"s, "\x80"s, "a\xbf"s, "\xc0\xaf"s, "\xc1\xbf"s, "\xe0\x80\xaf"s,
          "\xf0\x80\x80\xaf"s, "\xed\xa0\x80"s, "\xed\xbf\xbf"s, "\xf4\x90\x80\x80"s,
          "\xf5\x80\x80\x80"s, "\xc3"s, "\xe2\x82"s, "\xf0\x9f\x90"s, "ok\xc3("s}) {
        INFO(bad.size());
        CHECK_FALSE(pat::is_strict_utf8(bad));
    }
}

TEST_CASE("utf8: C0, DEL and C1 controls are found, other text is not", "[utf8]") {
    CHECK(pat::first_control_character("plain.example") == std::nullopt);
    CHECK(pat::first_control_character("ünï \xe2\x80\xae") == std::nullopt);  // bidi is not C0/C1
    CHECK(pat::first_control_character("a\0b"s) == U'\0');
    CHECK(pat::first_control_character("a\x1b[2J") == U'\x1b');
    CHECK(pat::first_control_character("a\tb\nc") == U'\t');
    CHECK(pat::first_control_character("a\x7f") == U'\x7f');
    CHECK(pat::first_control_character("a\xc2\x85") == U'\x85');
    CHECK(pat::first_control_character("a\xc2\x9f") == U'\x9f');
    CHECK(pat::first_control_character("a\xc2\xa0") == std::nullopt);  // NBSP is text
}
