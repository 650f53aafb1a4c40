#pragma once
// Percent-encoding (%XX, upper-case hex), the one encoder and decoder of the
// tree: the token client's query values, otpauth:// URIs, the console's
// ?next= target, the usage spool's keys and patd's request parsing differ
// only in which bytes they leave as they are.

#include <optional>
#include <string>
#include <string_view>

#include "common/hex.hpp"

namespace pat {

// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~" (ASCII only,
// whatever the locale).
constexpr bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// `text` with every byte for which `keep(byte)` is false written as %XX.
template <class Keep>
std::string percent_encode(std::string_view text, Keep keep) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (keep(c)) {
            out += ch;
        } else {
            out += '%';
            append_hex(out, c, HexCase::upper);
        }
    }
    return out;
}

// RFC 3986 percent-encoding of a query value or path segment: every byte
// but the unreserved ones.
inline std::string percent_encode(std::string_view text) {
    return percent_encode(text, is_unreserved);
}

// %XX decoded (either case); with `plus_is_space`, '+' is a space (HTML
// forms). nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace pat
