#include "common/hex.hpp"

namespace pat {

void append_hex(std::string& out, std::uint8_t byte, HexCase letters) {
    const char* digits = letters == HexCase::lower ? "0123456789abcdef" : "0123456789ABCDEF";
    out += digits[byte >> 4U];
    out += digits[byte & 0x0fU];
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) append_hex(out, b);
    return out;
}

std::string to_hex(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) append_hex(out, static_cast<std::uint8_t>(c));
    return out;
}

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace pat
