#pragma once
// Finds the token service for a server key R (docs/tokenclient.md), in this order:
//   1. DOCKER_CREDENTIAL_PAT_BACKEND (one URL for every key);
//   2. the helper config file's "services" map {server key: URL};
//   3. discovery: GET https://R/v2/ (http:// for loopback), the realm of
//      its Bearer challenge.
// A URL from 1–3 is patd when GET <origin>/v2/access-tokens/current without
// credentials answers 401 with a JSON {"detail"} body; otherwise the
// standard registry token protocol is used with the URL as realm (a URL
// without a path from 1–2 gets its realm by discovery).
// Results, including "no service", are cached in a small JSON file with a
// TTL, so `store` pays for discovery once per TTL, and `get` never does.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "credentials/errors.hpp"
#include "tokenclient/registry_probe.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::tokenclient {

inline constexpr std::string_view k_env_backend = "DOCKER_CREDENTIAL_PAT_BACKEND";

struct ServiceEndpoint {
    ServiceKind kind = ServiceKind::none;  // none: no token service found
    std::string patd_url;                  // kind patd: origin, e.g. http://127.0.0.1:5001
    BearerChallenge challenge;             // kind registry (and patd when discovered)
    std::string source;  // "DOCKER_CREDENTIAL_PAT_BACKEND", "config file", "discovery"
};

struct LocatorOptions {
    std::optional<std::string> backend_url;       // from the environment
    std::map<std::string, std::string> services;  // from the config file
    std::string cache_path;                       // discovery cache file; empty = no cache
    std::chrono::seconds cache_ttl{3600};
    std::chrono::seconds negative_cache_ttl{300};  // for "no service found"
    std::chrono::milliseconds deadline{2000};      // per request
};

class ServiceLocator {
  public:
    explicit ServiceLocator(LocatorOptions options, const Clock& clock);

    // May make up to 2 requests (discovery, patd check) when not cached.
    // A service that cannot be reached is an error (service_unreachable),
    // not kind none, and is not cached.
    cred::Result<ServiceEndpoint> locate(const std::string& server_key);

    // The same within a total time budget: each request gets at most
    // min(deadline, time left until `until`); none left is service_unreachable.
    cred::Result<ServiceEndpoint> locate(const std::string& server_key,
                                         std::chrono::steady_clock::time_point until);

    // Drops the cached entry for a key (e.g. after the service moved).
    void forget(const std::string& server_key);

  private:
    cred::Result<ServiceEndpoint> locate_within(
        const std::string& server_key, std::optional<std::chrono::steady_clock::time_point> until);

    LocatorOptions m_options;
    const Clock& m_clock;
};

}  // namespace pat::tokenclient
