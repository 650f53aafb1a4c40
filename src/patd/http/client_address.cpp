#include "patd/http/client_address.hpp"

namespace pat::http {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// One X-Forwarded-For entry: an address, also "[v6]", "[v6]:port" or
// "v4:port" as some proxies write them.
std::optional<patd::IpAddress> parse_entry(std::string_view entry) {
    entry = trim(entry);
    if (entry.starts_with('[')) {
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        return patd::parse_ip(entry.substr(1, close - 1));
    }
    if (const auto colon = entry.find(':');
        colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos)
        entry = entry.substr(0, colon);  // v4:port (an IPv6 address has several colons)
    return patd::parse_ip(entry);
}
}  // namespace

std::string client_address(std::string_view peer,
                           const std::vector<std::string_view>& forwarded_for,
                           const std::vector<patd::IpNetwork>& trusted_proxies) {
    auto current = patd::parse_ip(peer);
    if (!current) return std::string(peer);
    if (trusted_proxies.empty() || !patd::in_any(trusted_proxies, *current))
        return current->to_string();
    std::vector<std::string_view> entries;
    for (std::string_view value : forwarded_for) {
        while (true) {
            const auto comma = value.find(',');
            entries.push_back(value.substr(0, comma));
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const auto hop = parse_entry(*it);
        // A trusted proxy wrote something that is not an address: the
        // request is the last trusted hop's as far as we can tell.
        if (!hop) break;
        current = hop;
        if (!patd::in_any(trusted_proxies, *hop)) break;
    }
    return current->to_string();
}

}  // namespace pat::http
