#include "patd/domain/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace pat::patd {

namespace {
constexpr std::array<std::uint8_t, 12> k_v4_mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

IpAddress masked(IpAddress a, int prefix) {
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(prefix - i * 8, 0, 8);
        a.bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(0xff00 >> keep);
    }
    return a;
}
}  // namespace

bool IpAddress::is_v4() const {
    return std::equal(k_v4_mapped.begin(), k_v4_mapped.end(), bytes.begin());
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_v4()) {
        ::inet_ntop(AF_INET, bytes.data() + 12, text, sizeof text);
    } else {
        ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    }
    return text;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    // inet_pton wants a NUL-terminated string; anything longer than the
    // longest address text is not one.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char buffer[INET6_ADDRSTRLEN] = {};
    std::memcpy(buffer, text.data(), text.size());
    IpAddress out;
    if (::inet_pton(AF_INET, buffer, out.bytes.data() + 12) == 1) {
        std::copy(k_v4_mapped.begin(), k_v4_mapped.end(), out.bytes.begin());
        return out;
    }
    if (::inet_pton(AF_INET6, buffer, out.bytes.data()) == 1) return out;
    return std::nullopt;
}

bool IpNetwork::contains(const IpAddress& address) const {
    return masked(address, prefix) == base;
}

std::optional<IpNetwork> parse_network(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = parse_ip(text.substr(0, slash));
    if (!address) return std::nullopt;
    const int width = address->is_v4() ? 32 : 128;
    int prefix = width;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto* end = digits.data() + digits.size();
        const auto [ptr, ec] = std::from_chars(digits.data(), end, prefix);
        if (digits.empty() || ec != std::errc() || ptr != end || prefix < 0 || prefix > width)
            return std::nullopt;
    }
    if (address->is_v4()) prefix += 96;
    return IpNetwork{masked(*address, prefix), prefix};
}

bool in_any(const std::vector<IpNetwork>& networks, const IpAddress& address) {
    return std::any_of(networks.begin(), networks.end(),
                       [&](const IpNetwork& n) { return n.contains(address); });
}

std::string source_key(std::string_view ip) {
    const auto address = parse_ip(ip);
    if (!address) return std::string(ip);
    if (address->is_v4()) return address->to_string();
    return masked(*address, 64).to_string() + "/64";
}

}  // namespace pat::patd
