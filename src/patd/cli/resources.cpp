#include "patd/cli/resources.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace pat::patd::cli {

namespace {
// Far beyond any connection count patd could serve; the kernel refuses a
// soft limit of RLIM_INFINITY for descriptors anyway.
constexpr rlim_t k_descriptor_ceiling = rlim_t{1} << 20;
}  // namespace

std::size_t raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    const rlim_t wanted = std::min(limit.rlim_max, k_descriptor_ceiling);
    if (limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return static_cast<std::size_t>(std::min(limit.rlim_cur, k_descriptor_ceiling));
}

ConnectionCaps connection_caps(int max_connections, int per_address, std::size_t descriptor_limit) {
    ConnectionCaps caps;
    const std::size_t room = descriptor_limit > k_reserved_descriptors * 2
                                 ? descriptor_limit - k_reserved_descriptors
                                 : std::max<std::size_t>(1, descriptor_limit / 2);
    caps.total = room;
    if (max_connections > 0) {
        caps.total = static_cast<std::size_t>(max_connections);
        if (caps.total > room) {
            caps.warning = "--max-connections " + std::to_string(max_connections) +
                           " is too close to the descriptor limit (" +
                           std::to_string(descriptor_limit) + "): using " + std::to_string(room);
            caps.total = room;
        }
    }
    caps.per_address = per_address > 0 ? static_cast<std::size_t>(per_address)
                                       : std::clamp<std::size_t>(caps.total / 4, 1, 256);
    caps.per_address = std::min(caps.per_address, caps.total);
    return caps;
}

}  // namespace pat::patd::cli
