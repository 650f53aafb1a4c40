// looks_like_pat: patd's token shape (src/patd/crypto/token_format.cpp),
// re-implemented here because the helper never links patd's code.
#include <cstdint>
#include <string>

#include "tokenclient/patd_client.hpp"

namespace pat::tokenclient {
namespace {

constexpr std::string_view k_base62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t k_random_chars = 30;
constexpr std::size_t k_checksum_chars = 6;

std::uint32_t crc32(std::string_view data) {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : data) {
        c ^= static_cast<std::uint8_t>(ch);
        for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFU;
}

}  // namespace

bool looks_like_pat(std::string_view secret) {
    if (secret.size() < k_random_chars + k_checksum_chars) return false;
    const std::string_view tail = secret.substr(secret.size() - k_random_chars - k_checksum_chars);
    if (tail.find_first_not_of(k_base62) != std::string_view::npos) return false;
    std::uint32_t sum = crc32(tail.substr(0, k_random_chars));
    std::string checksum(k_checksum_chars, '0');
    for (std::size_t i = k_checksum_chars; i > 0 && sum > 0; --i) {
        checksum[i - 1] = k_base62[sum % 62];
        sum /= 62;
    }
    return tail.substr(k_random_chars) == checksum;
}

}  // namespace pat::tokenclient
