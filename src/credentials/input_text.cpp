#include "credentials/input_text.hpp"

#include "common/hex.hpp"
#include "common/utf8.hpp"

namespace pat::cred {
namespace {

// Only C0, DEL and C1 controls reach it, all below U+0100.
std::string hex4(char32_t c) {
    std::string out = "\\u";
    append_hex(out, static_cast<std::uint8_t>(c >> 8U));
    append_hex(out, static_cast<std::uint8_t>(c & 0xFFU));
    return out;
}

std::optional<std::string> prefixed(std::string_view what, std::string_view text) {
    auto problem = text_problem(text);
    if (!problem) return std::nullopt;
    return "invalid " + std::string(what) + ": " + *problem;
}

}  // namespace

std::optional<std::string> text_problem(std::string_view text) {
    if (!is_strict_utf8(text)) return std::string("not valid UTF-8");
    const auto control = first_control_character(text);
    if (!control) return std::nullopt;
    if (*control == 0) return "it contains a NUL character (" + hex4(0) + ")";
    return "it contains a control character (" + hex4(*control) + ")";
}

std::optional<std::string> server_url_problem(std::string_view server_url) {
    return prefixed("server URL", server_url);
}

std::optional<std::string> username_problem(std::string_view username) {
    return prefixed("username", username);
}

}  // namespace pat::cred
