#pragma once
// Strict UTF-8 (RFC 3629), the one decoder both programs use for text from
// outside: server keys, usernames, token labels, JSON strings, terminal
// output. Strict means no overlong forms (C0 80 for U+0000), no UTF-16
// surrogates (ED A0 80), nothing above U+10FFFF and no truncated sequences:
// a lax check lets two byte strings that decode to the same text both pass,
// which defeats comparisons and filters made on the bytes
// (docs/threat-model.md).

#include <cstddef>
#include <optional>
#include <string_view>

namespace pat {

// The length (1-4) of the well-formed UTF-8 sequence that starts `s`, with
// its code point in `cp`; 0 (and `cp` untouched) when `s` is empty or does
// not start with one.
std::size_t decode_utf8(std::string_view s, char32_t& cp);

// The length (1-4) of the well-formed UTF-8 sequence that starts `s`; 0 when
// `s` is empty or does not start with one.
std::size_t utf8_sequence_length(std::string_view s);

// True when `text` is well-formed UTF-8 (the empty string is).
bool is_strict_utf8(std::string_view text);

// The number of code points in `text`, or nullopt when it is not well-formed.
std::optional<std::size_t> utf8_length(std::string_view text);

// The first control character in well-formed UTF-8 `text`: C0 (U+0000..
// U+001F), DEL (U+007F) or C1 (U+0080..U+009F); nullopt when there is none.
std::optional<char32_t> first_control_character(std::string_view text);

}  // namespace pat
