#include "patd/crypto/token_format.hpp"

#include <array>
#include <string>

namespace pat::patd {

Secret generate_token(std::string_view prefix, RandomSource& random) {
    std::string body;
    body.reserve(k_token_random_chars);
    std::array<std::uint8_t, 64> pool{};
    while (body.size() < k_token_random_chars) {
        random.fill(pool);
        for (const std::uint8_t b : pool) {
            // 248 = 4 * 62: bytes above it would bias the first characters.
            if (b >= 248) continue;
            body.push_back(k_base62_alphabet[b % 62]);
            if (body.size() == k_token_random_chars) break;
        }
    }
    std::string token;
    token.reserve(prefix.size() + k_token_random_chars + k_token_checksum_chars);
    token.append(prefix).append(body).append(base62_fixed(crc32(body), k_token_checksum_chars));
    wipe_string(body);
    pool.fill(0);
    return Secret(std::move(token));
}

}  // namespace pat::patd
