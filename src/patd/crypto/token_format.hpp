#pragma once
// Personal access token strings: <prefix><30 base62 random chars><6 base62
// chars of CRC32(random part)>, GitHub style. 30 base62 chars carry 178 bits.
// The checksum lets the service reject typos and guesses before any
// database work (docs/registry-token.md "Checking PATs").

#include <cstdint>
#include <string>
#include <string_view>

#include "common/secret.hpp"
#include "patd/crypto/random.hpp"

namespace pat::patd {

inline constexpr std::size_t k_token_random_chars = 30;
inline constexpr std::size_t k_token_checksum_chars = 6;

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial).
std::uint32_t crc32(std::string_view data);
// `value` in base62 (0-9A-Za-z), left-padded with '0' to `width` chars.
std::string base62_fixed(std::uint64_t value, std::size_t width);

// A fresh token from `random` (rejection sampling, so every char is uniform).
Secret generate_token(std::string_view prefix, RandomSource& random);
// True when `text` has the prefix, the exact length, only base62 chars and a
// matching checksum. Pure: no I/O.
bool is_well_formed_token(std::string_view prefix, std::string_view text);

}  // namespace pat::patd
