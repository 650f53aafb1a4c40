#include "patd/crypto/totp.hpp"

#include "common/percent.hpp"
#include "patd/crypto/hmac.hpp"

namespace pat::patd {

namespace {
constexpr std::string_view k_b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
    char msg[8];
    for (int i = 7; i >= 0; --i) {
        msg[i] = static_cast<char>(counter & 0xFF);
        counter >>= 8;
    }
    const std::string mac = hmac_sha1(key, std::string_view(msg, sizeof msg));
    const auto at = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(mac[i]));
    };
    const std::size_t offset = at(mac.size() - 1) & 0x0F;
    const std::uint32_t binary = ((at(offset) & 0x7F) << 24) | (at(offset + 1) << 16) |
                                 (at(offset + 2) << 8) | at(offset + 3);
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(std::chrono::system_clock::time_point t) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
    return secs / k_totp_period.count();
}

std::string totp_at_unix(std::string_view key, long long unix_seconds, int digits) {
    return hotp(key, static_cast<std::uint64_t>(unix_seconds / k_totp_period.count()), digits);
}

std::string totp(std::string_view key, std::chrono::system_clock::time_point t, int digits) {
    return hotp(key, static_cast<std::uint64_t>(totp_step(t)), digits);
}

std::optional<std::int64_t> verify_totp(std::string_view key, std::string_view code,
                                        std::chrono::system_clock::time_point now) {
    if (code.size() != static_cast<std::size_t>(k_totp_digits)) return std::nullopt;
    const std::int64_t step = totp_step(now);
    std::optional<std::int64_t> match;
    // All three steps are computed every time so timing does not tell which matched.
    for (std::int64_t s = step - 1; s <= step + 1; ++s) {
        if (constant_time_equal(hotp(key, static_cast<std::uint64_t>(s), k_totp_digits), code) &&
            !match)
            match = s;
    }
    return match;
}

std::string base32_encode(std::string_view data) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : data) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += k_b32[(buffer >> bits) & 31];
        }
    }
    if (bits > 0) out += k_b32[(buffer << (5 - bits)) & 31];
    return out;
}

bool base32_decode(std::string_view text, std::string& out) {
    out.clear();
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const auto pos = k_b32.find(c);
        if (pos == std::string_view::npos) return false;
        buffer = (buffer << 5) | static_cast<unsigned>(pos);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return true;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view key) {
    const std::string iss = percent_encode(issuer);
    return "otpauth://totp/" + iss + ":" + percent_encode(account) +
           "?secret=" + base32_encode(key) + "&issuer=" + iss +
           "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace pat::patd
