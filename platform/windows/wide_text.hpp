#pragma once
// UTF-8 <-> UTF-16 at the Credential Manager's edge, with the Win32
// converters in their strict modes: the helper speaks UTF-8, the W APIs
// take UTF-16, and neither direction may guess at bad input.

#include <optional>
#include <string>
#include <string_view>

namespace pat::platform::wide {

// `text` as UTF-16; nullopt when it is not valid UTF-8
// (MultiByteToWideChar with MB_ERR_INVALID_CHARS) or holds a NUL, which a
// NUL-terminated Win32 string cannot carry.
std::optional<std::wstring> from_utf8(std::string_view text);

// `text` as UTF-8; nullopt when it is not valid UTF-16 (a lone surrogate,
// WideCharToMultiByte with WC_ERR_INVALID_CHARS).
std::optional<std::string> to_utf8(std::wstring_view text);

}  // namespace pat::platform::wide
