#include "common/terminal_text.hpp"

#include <cstdint>

namespace pat {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
    out += "\\x";
    out += k_hex[byte >> 4];
    out += k_hex[byte & 0xf];
}

void append_code_point_escape(std::string& out, std::uint32_t cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 0xf];
}

// Code points a terminal acts on (C1 controls, bidi and other invisible
// formatting controls, separators that break lines).
bool is_active_code_point(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x206f);
}

// The length of the valid UTF-8 sequence at the start of `s` and its code
// point, or 0 when it is not valid (overlong, surrogate, beyond U+10FFFF,
// truncated).
std::size_t decode_utf8(std::string_view s, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2, cp = b0 & 0x1fU, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3, cp = b0 & 0x0fU, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4, cp = b0 & 0x07U, min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() < len) return 0;
    for (std::size_t i = 1; i < len; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xc0U) != 0x80U) return 0;
        cp = (cp << 6) | (b & 0x3fU);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
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
        std::uint32_t cp = 0;
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
