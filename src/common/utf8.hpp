#pragma once
// Strict UTF-8 (RFC 3629) and control characters, for text that must reach
// keychains, logs and terminals intact: server keys, usernames, labels.

#include <optional>
#include <string_view>

namespace pat {

// True when `text` is well-formed UTF-8: no stray continuation bytes, no
// overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
bool is_strict_utf8(std::string_view text);

// The first control character in well-formed UTF-8 `text`: C0 (U+0000..
// U+001F), DEL (U+007F) or C1 (U+0080..U+009F); nullopt when there is none.
std::optional<char32_t> first_control_character(std::string_view text);

}  // namespace pat
