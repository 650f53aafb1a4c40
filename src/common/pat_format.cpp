#include "common/pat_format.hpp"

#include <array>

namespace pat {

namespace {
constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}
constexpr auto k_crc_table = make_crc_table();

bool is_base62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The random part and checksum, without any prefix.
bool is_checked_body(std::string_view rest) {
    if (rest.size() != k_token_random_chars + k_token_checksum_chars) return false;
    for (const char c : rest)
        if (!is_base62(c)) return false;
    const std::string_view body = rest.substr(0, k_token_random_chars);
    return rest.substr(k_token_random_chars) == base62_fixed(crc32(body), k_token_checksum_chars);
}
}  // namespace

std::uint32_t crc32(std::string_view data) {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : data)
        c = k_crc_table[(c ^ static_cast<std::uint8_t>(ch)) & 0xFFU] ^ (c >> 8);
    return c ^ 0xFFFFFFFFU;
}

std::string base62_fixed(std::uint64_t value, std::size_t width) {
    std::string out(width, '0');
    for (std::size_t i = width; i > 0 && value > 0; --i) {
        out[i - 1] = k_base62_alphabet[value % 62];
        value /= 62;
    }
    return out;
}

bool has_token_prefix(std::string_view prefix, std::string_view text) {
    return !prefix.empty() && text.starts_with(prefix);
}

bool is_well_formed_token(std::string_view prefix, std::string_view text) {
    if (!text.starts_with(prefix)) return false;
    return is_checked_body(text.substr(prefix.size()));
}

bool looks_like_pat(std::string_view secret) {
    const std::size_t tail = k_token_random_chars + k_token_checksum_chars;
    if (secret.size() < tail) return false;
    return is_checked_body(secret.substr(secret.size() - tail));
}

}  // namespace pat
