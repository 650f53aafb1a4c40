#pragma once
// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, and the base32 /
// otpauth:// encodings authenticator apps read.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pat::patd {

inline constexpr std::chrono::seconds k_totp_period{30};
inline constexpr int k_totp_digits = 6;

// RFC 4226 HOTP value of `key` at `counter`, `digits` long, zero-padded.
std::string hotp(std::string_view key, std::uint64_t counter, int digits);
// The time step containing `t` (Unix time / 30 s).
std::int64_t totp_step(std::chrono::system_clock::time_point t);
// RFC 6238 code at Unix time `unix_seconds` (also beyond year 2262, where a
// nanosecond system_clock::time_point overflows; RFC vector 20000000000).
std::string totp_at_unix(std::string_view key, long long unix_seconds, int digits);
// RFC 6238 code at time `t`.
std::string totp(std::string_view key, std::chrono::system_clock::time_point t,
                 int digits = k_totp_digits);
// Checks `code` against the steps now-1, now, now+1 (clock skew); returns the
// matching step (for replay protection) or nullopt. Comparison is
// constant-time.
std::optional<std::int64_t> verify_totp(std::string_view key, std::string_view code,
                                        std::chrono::system_clock::time_point now);

// RFC 4648 base32 without padding (A-Z2-7), as authenticator apps expect.
std::string base32_encode(std::string_view data);
// Case-insensitive, ignores '=' padding and spaces; false on other chars.
bool base32_decode(std::string_view text, std::string& out);

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view key);

}  // namespace pat::patd
