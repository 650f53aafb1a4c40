#pragma once
// What `patd serve` takes from the operating system: file descriptors, and
// the connection caps that keep enough of them free for the database and
// the listener whatever clients do (docs/patd-http.md, "Limits").

#include <cstddef>
#include <string>

namespace pat::patd::cli {

// Descriptors kept back from connections: database files (3 per pooled
// SQLite connection), the listener, epoll and eventfds, logs, certificates.
inline constexpr std::size_t k_reserved_descriptors = 64;

// Raises the soft RLIMIT_NOFILE to the hard limit (systemd's LimitNOFILE)
// and returns the soft limit now in force.
std::size_t raise_descriptor_limit();

struct ConnectionCaps {
    std::size_t total = 0;
    std::size_t per_address = 0;
    std::string warning;  // non-empty when a configured cap was lowered
};

// `max_connections` / `per_address`: the settings, 0 = automatic. The total
// stays k_reserved_descriptors below `descriptor_limit` (automatic: exactly
// that); per address defaults to a quarter of the total, at most 256, and
// never exceeds the total.
ConnectionCaps connection_caps(int max_connections, int per_address, std::size_t descriptor_limit);

}  // namespace pat::patd::cli
