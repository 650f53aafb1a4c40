#include "common/terminal_text.hpp"

#include <cstdint>

#include "common/hex.hpp"
#include "common/utf8.hpp"

namespace pat {
namespace {

void append_byte_escape(std::string& out, unsigned char byte) {
    out += "\\x";
    append_hex(out, byte);
}

// Only code points below U+10000 are escaped (see is_active_code_point).
void append_code_point_escape(std::string& out, char32_t cp) {
    out += "\\u";
    append_hex(out, static_cast<std::uint8_t>(cp >> 8));
    append_hex(out, static_cast<std::uint8_t>(cp & 0xff));
}

// Code points a terminal acts on (C1 controls, bidi and other invisible
// formatting controls, separators that break lines).
bool is_active_code_point(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x206f);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto b = static_cast<unsigned char>(text.front());
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7f) {
                append_byte_escape(out, b);
            } else {
                out += static_cast<char>(b);
            }
            text.remove_prefix(1);
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode_utf8(text, cp);
        if (len == 0) {
            append_byte_escape(out, b);
            text.remove_prefix(1);
        } else {
            if (is_active_code_point(cp)) {
                append_code_point_escape(out, cp);
            } else {
                out.append(text.substr(0, len));
            }
            text.remove_prefix(len);
        }
    }
    return out;
}

}  // namespace pat
