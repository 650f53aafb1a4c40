#pragma once
// Which address a request comes from. The socket peer, unless the peer is a
// trusted reverse proxy (--trusted-proxy): then the address that proxy
// appended to X-Forwarded-For, walking right to left past further trusted
// proxies. Entries left of the first untrusted one are whatever the client
// wrote and are never used; from an untrusted peer the header is ignored.

#include <string>
#include <string_view>
#include <vector>

#include "patd/domain/ip_address.hpp"

namespace pat::http {

// `forwarded_for`: the values of every X-Forwarded-For field, in order.
// Returns a canonical address text (IPv4 also when it arrived IPv4-mapped),
// or `peer` as it is when it is not an IP address.
std::string client_address(std::string_view peer,
                           const std::vector<std::string_view>& forwarded_for,
                           const std::vector<patd::IpNetwork>& trusted_proxies);

}  // namespace pat::http
