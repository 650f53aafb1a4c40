#include "common/base64.hpp"

#include <array>
#include <cstdint>

namespace pat {
namespace {

constexpr std::string_view k_std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                                std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
        if (rest == 2) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
        if (pad) out.append(rest == 1 ? "==" : "=");
    }
    return out;
}

// 6-bit values -> bytes. Strict: the standard alphabet only; lenient: also
// the URL-safe one. Nullopt on any other character.
std::optional<std::string> decode(std::string_view text, bool lenient) {
    std::array<int, 256> value{};
    value.fill(-1);
    for (std::size_t k = 0; k < k_std.size(); ++k) {
        value[static_cast<unsigned char>(k_std[k])] = static_cast<int>(k);
        if (lenient) value[static_cast<unsigned char>(k_url[k])] = static_cast<int>(k);
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = value[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    return encode(bytes, k_std, true);
}
std::string base64url_encode(std::string_view bytes) {
    return encode(bytes, k_url, false);
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    return decode(text, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
    return decode(text.substr(0, text.find('=')), true);
}

std::optional<std::string> jwt_payload(std::string_view jwt) {
    const std::size_t first = jwt.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const std::size_t second = jwt.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    return base64url_decode(jwt.substr(first + 1, second - first - 1));
}

}  // namespace pat
