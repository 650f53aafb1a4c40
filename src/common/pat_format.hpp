#pragma once
// The personal access token format, which the helper and patd must agree on
// (docs/patd-core.md "Tokens"): <prefix><30 base62 random chars><6 base62
// chars of CRC32(random part)>, GitHub style. 30 base62 chars carry 178
// bits. The checksum lets patd reject typos and guesses before any database
// work, and lets the helper tell a PAT from a password without the network.

#include <cstdint>
#include <string>
#include <string_view>

namespace pat {

// 0-9, A-Z, a-z: the alphabet of the random part and of the checksum.
inline constexpr std::string_view k_base62_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::size_t k_token_random_chars = 30;
inline constexpr std::size_t k_token_checksum_chars = 6;

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial).
std::uint32_t crc32(std::string_view data);
// `value` in base62, left-padded with '0' to `width` chars.
std::string base62_fixed(std::uint64_t value, std::size_t width);

// Three checks of the shape of a token, for three questions. All pure.
//
// Is this secret *meant* as a PAT? patd routes on the prefix alone, so a
// mistyped or truncated token is judged as a token (a clear "unknown
// token", never rate limited) and never tried as a password, and a
// password can never start with the prefix and still be checked as one.
// An empty prefix claims nothing: false.
bool has_token_prefix(std::string_view prefix, std::string_view text);

// Is it a PAT of this service, before any database work? `prefix` followed
// by exactly the random part and its matching checksum; patd uses it with
// its configured prefix to refuse typos and guesses cheaply.
bool is_well_formed_token(std::string_view prefix, std::string_view text);

// Is it a PAT of some service? True when `secret` ends in a random part
// and its matching checksum, whatever the prefix: the helper does not know
// a service's prefix, so it judges the tail alone.
bool looks_like_pat(std::string_view secret);

}  // namespace pat
