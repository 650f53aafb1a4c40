#pragma once
// IP addresses and networks as patd uses them: which peers are trusted
// reverse proxies (--trusted-proxy), and the "source" that failure counters
// and connection caps are kept per. A source is one IPv4 address or one IPv6
// /64: whoever has one IPv6 address usually has the whole /64 to pick from.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pat::patd {

struct IpAddress {
    // Network byte order; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d), so
    // "192.0.2.1" and "::ffff:192.0.2.1" are the same address.
    std::array<std::uint8_t, 16> bytes{};

    bool is_v4() const;
    // Canonical text: dotted quad for IPv4 (also when it arrived mapped),
    // RFC 5952 for IPv6.
    std::string to_string() const;
    bool operator==(const IpAddress&) const = default;
};

// A literal IPv4 or IPv6 address: no brackets, port or zone id.
std::optional<IpAddress> parse_ip(std::string_view text);

struct IpNetwork {
    IpAddress base;    // host bits cleared
    int prefix = 128;  // in IPv6 terms: an IPv4 /8 is 96 + 8

    bool contains(const IpAddress& address) const;
};

// "10.0.0.0/8", "fd00::/8", or a single address ("192.0.2.7" is /32). Host
// bits after the prefix are ignored. nullopt when malformed.
std::optional<IpNetwork> parse_network(std::string_view text);

bool in_any(const std::vector<IpNetwork>& networks, const IpAddress& address);

// The key a source is counted under: the canonical address for IPv4, the
// /64 ("2001:db8:1:2::/64") for IPv6. Text that is not an IP address (a Unix
// socket, "unknown") is returned as it is.
std::string source_key(std::string_view ip);

}  // namespace pat::patd
