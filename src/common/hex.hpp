#pragma once
// Hexadecimal digits, the one encoder and decoder of the tree: generation
// ids, UUIDs, escapes in JSON and terminal output, percent-encoding, the
// D-Bus authentication line.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pat {

enum class HexCase { lower, upper };

// Appends the two hex digits of `byte` to `out`.
void append_hex(std::string& out, std::uint8_t byte, HexCase letters = HexCase::lower);

// `bytes` as lower-case hex, two digits a byte.
std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_hex(std::string_view bytes);

// The value (0-15) of one hex digit in either case, or -1.
int hex_digit_value(char c);

}  // namespace pat
