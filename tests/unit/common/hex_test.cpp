#include "common/hex.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

using namespace pat;

TEST_CASE("to_hex writes two lower-case digits a byte", "[common]") {
    const std::array<std::uint8_t, 4> bytes{0x00, 0x0f, 0xa0, 0xff};
    CHECK(to_hex(bytes) == "000fa0ff");
    CHECK(to_hex(std::string_view("1000")) == "31303030");
    CHECK(to_hex(std::string_view()) == "");
}

TEST_CASE("append_hex writes either case for percent-encoding", "[common]") {
    std::string out = "%";
    append_hex(out, 0x2f, HexCase::upper);
    append_hex(out, 0xab, HexCase::upper);
    append_hex(out, 0xab);
    CHECK(out == "%2FABab");
}

TEST_CASE("hex_digit_value reads both cases and refuses the rest", "[common]") {
    CHECK(hex_digit_value('0') == 0);
    CHECK(hex_digit_value('9') == 9);
    CHECK(hex_digit_value('a') == 10);
    CHECK(hex_digit_value('F') == 15);
    CHECK(hex_digit_value('g') == -1);
    CHECK(hex_digit_value('/') == -1);
    CHECK(hex_digit_value('\0') == -1);
}
