#include "common/utf8.hpp"

namespace pat {

std::size_t decode_utf8(std::string_view s, char32_t& cp) {
    if (s.empty()) return 0;
    const auto lead = static_cast<unsigned char>(s[0]);
    if (lead < 0x80) {
        cp = lead;
        return 1;
    }
    std::size_t len = 0;
    char32_t value = 0;
    // The range of the second byte: the first byte alone cannot rule out
    // overlong forms (E0, F0), surrogates (ED) or code points above U+10FFFF
    // (F4), the second byte's range does.
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2, value = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3, value = lead & 0x0FU;
        if (lead == 0xE0) lo = 0xA0;  // overlong
        if (lead == 0xED) hi = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4, value = lead & 0x07U;
        if (lead == 0xF0) lo = 0x90;  // overlong
        if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;  // a continuation byte, C0/C1 (always overlong) or F5-FF
    }
    if (s.size() < len) return 0;
    const auto second = static_cast<unsigned char>(s[1]);
    if (second < lo || second > hi) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[k]);
        if ((b & 0xC0U) != 0x80U) return 0;
        value = (value << 6U) | (b & 0x3FU);
    }
    cp = value;
    return len;
}

std::size_t utf8_sequence_length(std::string_view s) {
    char32_t cp = 0;
    return decode_utf8(s, cp);
}

std::optional<std::size_t> utf8_length(std::string_view text) {
    std::size_t n = 0;
    while (!text.empty()) {
        const std::size_t len = utf8_sequence_length(text);
        if (len == 0) return std::nullopt;
        text.remove_prefix(len);
        ++n;
    }
    return n;
}

bool is_strict_utf8(std::string_view text) {
    return utf8_length(text).has_value();
}

std::optional<char32_t> first_control_character(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) return static_cast<char32_t>(c);
        // C1 controls are U+0080..U+009F: C2 80..C2 9F.
        if (c == 0xC2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return static_cast<char32_t>(next);
        }
    }
    return std::nullopt;
}

}  // namespace pat
