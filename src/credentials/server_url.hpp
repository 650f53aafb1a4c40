#pragma once
// Server-key rules, in one place (docs/protocol.md "Server keys").
//
// Keys are opaque strings chosen by the client and are stored verbatim, so
// every key `list` prints works with `get`. Lookups try the exact key first;
// only when it is missing does `get` try a few aliases of the same server,
// because third-party clients send other forms than the docker CLI
// (oras-py#222 sends `docker.io`, fabric8#1068 and Rust docker_credential#22
// add `https://`). Aliases never cross hosts, ports or paths:
//   - a bare `host[:port]` (what the docker CLI stores) also finds
//     `https://host[:port]`, then `http://host[:port]`;
//   - `https://host[:port]` and `https://host[:port]/` find the bare form,
//     then each other; likewise `http://…`, which never finds an `https://`
//     key (and vice versa);
//   - Docker Hub: `docker.io`, `index.docker.io`, `https://docker.io`,
//     `https://index.docker.io`, `https://index.docker.io/v1` and the
//     docker CLI's `https://index.docker.io/v1/` all find
//     `https://index.docker.io/v1/`, `docker.io` and `index.docker.io`;
//   - anything else is strict (exact match only): another path
//     (`https://index.docker.io/v1/access-token`, `h:5000/team`), a query,
//     a fragment, user info, another scheme, or `registry-1.docker.io`.
// `erase` is always exact: `docker logout` already erases each variant.

#include <string>
#include <string_view>
#include <vector>

namespace pat::cred {

// The Docker Hub key the docker CLI uses for `docker login` without a server.
inline constexpr std::string_view k_docker_hub_key = "https://index.docker.io/v1/";

// Strips whitespace (space, \t, \r, \n, \v, \f) from both ends, as upstream's
// strings.TrimSpace on `get`/`erase` input.
std::string_view trim_server_url(std::string_view input);

// The aliases to try, in order, after an exact lookup of `key` missed.
// Never contains `key` itself; empty for strict keys.
std::vector<std::string> fallback_keys(std::string_view key);

}  // namespace pat::cred
