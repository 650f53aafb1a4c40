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

using pat::decode_utf8;
using pat::is_strict_utf8;
using pat::utf8_length;

TEST_CASE("utf8_length counts code points of well-formed UTF-8", "[common][utf8]") {
    CHECK(utf8_length("") == 0U);
    CHECK(utf8_length("abc") == 3U);
    CHECK(utf8_length("\xc3\xa9t\xc3\xa9") == 3U);             // U+00E9, two bytes
    CHECK(utf8_length("\xe2\x9c\x93") == 1U);                  // U+2713, three bytes
    CHECK(utf8_length("\xf0\x9f\x94\x91") == 1U);              // U+1F511, four bytes
    CHECK(utf8_length("\xef\xbf\xbf\xf4\x8f\xbf\xbf") == 2U);  // U+FFFF, U+10FFFF
    CHECK(utf8_length("\xed\x9f\xbf\xee\x80\x80") == 2U);      // U+D7FF, U+E000
    CHECK(utf8_length("nul\0ok"s) == 6U);                      // U+0000 is text
}

TEST_CASE(
    "strict UTF-8 refuses overlong forms, surrogates, values beyond U+10FFFF and "
    "truncated or stray bytes",
    "[common][utf8][security]") {
    for (const std::string& bad : {
             "\xc0\x80"s,              // overlong U+0000
             "\xc1\xbf"s,              // overlong U+007F
             "\xe0\x80\xaf"s,          // overlong '/'
             "\xe0\x9f\xbf"s,          // overlong U+07FF
             "\xf0\x80\x80\x80"s,      // overlong, four bytes
             "\xf0\x8f\xbf\xbf"s,      // overlong U+FFFF
             "\xed\xa0\x80"s,          // surrogate U+D800
             "\xed\xbf\xbf"s,          // surrogate U+DFFF
             "\xf4\x90\x80\x80"s,      // U+110000
             "\xf5\x80\x80\x80"s,      // lead byte F5
             "\xf8\x88\x80\x80\x80"s,  // five-byte form
             "\xff"s,                  // never in UTF-8
             "\x80"s,                  // stray continuation byte
             "\xe2\x82"s,              // truncated
             "ok\xc3"s,                // truncated at the end
             "\xc3\x28"s,              // bad continuation byte
         }) {
        INFO("bytes " << bad.size());
        CHECK_FALSE(is_strict_utf8(bad));
        CHECK_FALSE(utf8_length(bad));
        CHECK_FALSE(utf8_length("label " + bad + " end"));
    }
}

TEST_CASE("decode_utf8 reads one sequence and its code point", "[common][utf8]") {
    char32_t cp = 0;
    CHECK(decode_utf8("", cp) == 0U);
    CHECK(decode_utf8("A", cp) == 1U);
    CHECK(cp == U'A');
    CHECK(decode_utf8("\xe2\x80\xaerest", cp) == 3U);
    CHECK(cp == U'\u202e');
    CHECK(decode_utf8("\xf0\x9f\x94\x91", cp) == 4U);
    CHECK(cp == U'\U0001f511');
    CHECK(decode_utf8("\xed\xa0\x80", cp) == 0U);
    CHECK(cp == U'\U0001f511');  // untouched by a failed decode
    CHECK(pat::utf8_sequence_length("\xc3\xa9rest") == 2U);
    CHECK(pat::utf8_sequence_length("\xc0\x80") == 0U);
    CHECK(pat::utf8_sequence_length("") == 0U);
}
