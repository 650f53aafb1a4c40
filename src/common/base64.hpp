#pragma once
// Base64 in two alphabets: standard (RFC 4648 §4) for x5c certificates and
// HTTP Basic credentials (patd reads them, the helper's direct HTTP transport
// writes them), URL-safe without padding (§5) for JWT segments.

#include <optional>
#include <string>
#include <string_view>

namespace pat {

// Standard alphabet with '=' padding.
std::string base64_encode(std::string_view bytes);
// URL-safe alphabet, no padding (what JWS compact serialisation requires).
std::string base64url_encode(std::string_view bytes);
// Decodes the standard alphabet; padding optional; nullopt on any character
// outside the alphabet or an impossible length. Whitespace is not accepted.
std::optional<std::string> base64_decode(std::string_view text);
// Decodes base64url leniently, for reading what others sent (JWT payloads):
// both alphabets, padding optional; nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);
// The decoded payload (middle segment) of a compact JWT — its signature is
// NOT checked; for showing what a token says, never for trusting it.
std::optional<std::string> jwt_payload(std::string_view jwt);

}  // namespace pat
