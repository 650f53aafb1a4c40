#pragma once
// Base64 in the two alphabets patd needs: standard (RFC 4648 §4) for x5c
// certificates and HTTP Basic credentials, URL-safe without padding (§5) for
// JWT segments.

#include <optional>
#include <string>
#include <string_view>

namespace pat::jwt {

// Standard alphabet with '=' padding.
std::string base64_encode(std::string_view bytes);
// URL-safe alphabet, no padding (what JWS compact serialisation requires).
std::string base64url_encode(std::string_view bytes);
// Decodes the standard alphabet; padding optional; nullopt on any character
// outside the alphabet or an impossible length. Whitespace is not accepted.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pat::jwt
