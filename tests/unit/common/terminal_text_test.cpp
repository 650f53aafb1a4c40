#include "common/terminal_text.hpp"

#include <catch2/catch.hpp>

using pat::terminal_safe;
using namespace std::string_literals;

TEST_CASE("terminal_safe keeps printable text and valid UTF-8 as it is", "[common]") {
    CHECK(terminal_safe("ghcr.io/team:5000 read,write") == "ghcr.io/team:5000 read,write");
    CHECK(terminal_safe("Laptop \xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x91") ==
          "Laptop \xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x91");
    CHECK(terminal_safe("a\\x1b") == "a\\x1b");  // a backslash is not an escape
    CHECK(terminal_safe("") == "");
}

TEST_CASE("terminal_safe makes C0 controls, DEL and stray bytes visible", "[common]") {
    CHECK(terminal_safe("\x1b]0;owned\x07\x1b[2Jlabel") == "\\x1b]0;owned\\x07\\x1b[2Jlabel");
    CHECK(terminal_safe("evil\rghcr.io") == "evil\\x0dghcr.io");
    CHECK(terminal_safe("a\nb\tc\x7f"s + '\0' + "d") == "a\\x0ab\\x09c\\x7f\\x00d");
    // 8-bit C1 (CSI as one byte), truncated, overlong and surrogate sequences
    CHECK(terminal_safe("\x9b"
                        "31m") == "\\x9b31m");
    CHECK(terminal_safe("\xe2\x80") == "\\xe2\\x80");
    CHECK(terminal_safe("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    CHECK(terminal_safe("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
}

TEST_CASE("terminal_safe escapes C1 controls and bidi overrides", "[common]") {
    CHECK(terminal_safe("\xc2\x9b"
                        "31m") == "\\u009b31m");  // CSI as U+009B
    CHECK(terminal_safe("\xc2\x85") == "\\u0085");
    CHECK(terminal_safe("\xc2\xa0") == "\xc2\xa0");  // NBSP is text
    // RLO ... PDF: "gnp.exe" would read reversed
    CHECK(terminal_safe("a\xe2\x80\xae"
                        "exe.gnp\xe2\x80\xac") == "a\\u202eexe.gnp\\u202c");
    for (const char* bidi : {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xad", "\xe2\x81\xa6",
                             "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9", "\xe2\x80\x8e",
                             "\xe2\x80\x8f", "\xd8\x9c", "\xe2\x80\xa8", "\xe2\x80\xa9"}) {
        const std::string out = terminal_safe(bidi);
        CHECK(out.rfind("\\u", 0) == 0);
        CHECK(out.size() == 6);
    }
}
