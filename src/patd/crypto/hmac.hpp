#pragma once
// HMAC-SHA256 and constant-time comparison (OpenSSL).

#include <string>
#include <string_view>

namespace pat::patd {

// 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
// HMAC-SHA1 (20 raw bytes), for TOTP (RFC 6238 / RFC 4226).
std::string hmac_sha1(std::string_view key, std::string_view data);
// Equal length and equal bytes, in time independent of the contents.
bool constant_time_equal(std::string_view a, std::string_view b);
// base64url without padding (RFC 4648 §5), and its inverse (nullopt-like:
// returns false on bad input).
std::string base64url_encode(std::string_view data);
bool base64url_decode(std::string_view text, std::string& out);

}  // namespace pat::patd
