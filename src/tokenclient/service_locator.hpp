#pragma once
// Finds the token service for a server key R (docs/tokenclient.md), in this order:
//   1. DOCKER_CREDENTIAL_PAT_BACKEND: one URL for every key, or
//      REGISTRY=URL[,REGISTRY=URL…] for those registries only;
//   2. the helper config file's "services" map {server key: URL};
//   3. discovery: GET https://R/v2/ (http:// for loopback), the realm of
//      its Bearer challenge.
// A URL from 1–3 is patd when GET <origin>/v2/access-tokens/current without
// credentials answers 401 with a JSON {"detail"} body; otherwise the
// standard registry token protocol is used with the URL as realm (a URL
// without a path from 1–2 gets its realm by discovery).
// That order is for a secret being stored now. A stored secret goes only to
// the service recorded with it (locate_stored): the environment is a
// setting of one shell, and must not send every stored credential to the
// service it names.
// Results, including "no service", are cached in a small JSON file with a
// TTL, so `store` pays for discovery once per TTL, and `get` never does.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "tokenclient/http_transport.hpp"
#include "tokenclient/service_endpoint.hpp"

namespace pat::tokenclient {

inline constexpr std::string_view k_env_backend = "DOCKER_CREDENTIAL_PAT_BACKEND";

struct LocatorOptions {
    std::optional<std::string> backend_url;               // from the environment: every key
    std::map<std::string, std::string> backend_services;  // env REGISTRY=URL form
    std::map<std::string, std::string> services;          // from the config file
    std::string cache_path;                               // discovery cache file; empty = no cache
    std::chrono::seconds cache_ttl{3600};
    std::chrono::seconds negative_cache_ttl{300};  // for "no service found"
    std::chrono::milliseconds deadline{2000};      // per request
    // What every request of the locator and the token service goes
    // through; never null, must outlive them.
    HttpTransport* transport = &automatic_http_transport();
};

// The URL configured for `server_key` (environment, then config file; ""
// for discovery), without any request: what a secret stored now would be
// checked against, recorded even when that check cannot be made.
std::string configured_service_url(const LocatorOptions& options, const std::string& server_key);

class ServiceLocator {
  public:
    explicit ServiceLocator(LocatorOptions options, const Clock& clock);

    // May make up to 2 requests (discovery, patd check) when not cached.
    // A service that cannot be reached is an error (service_unreachable),
    // not kind none, and is not cached.
    err::Result<ServiceEndpoint> locate(const std::string& server_key);

    // The same within a total time budget: each request gets at most
    // min(deadline, time left until `until`); none left is service_unreachable.
    err::Result<ServiceEndpoint> locate(const std::string& server_key,
                                        std::chrono::steady_clock::time_point until);

    // For a secret stored earlier: the service recorded with it at store
    // time (`recorded`, its pat_service) and no other. A recorded URL is
    // used as if configured for the key, and an endpoint whose token
    // endpoint has another origin is refused (service_rejected: nothing is
    // sent). With none recorded (stored unchecked, or by another tool): the
    // config file, then discovery; never DOCKER_CREDENTIAL_PAT_BACKEND.
    err::Result<ServiceEndpoint> locate_stored(const std::string& server_key,
                                               const std::string& recorded,
                                               std::chrono::steady_clock::time_point until);

    // Drops the cached entry for a key (e.g. after the service moved).
    void forget(const std::string& server_key);

  private:
    err::Result<ServiceEndpoint> locate_within(
        const std::string& server_key, std::optional<std::chrono::steady_clock::time_point> until,
        const std::optional<std::string>& recorded);

    LocatorOptions m_options;
    const Clock& m_clock;
};

}  // namespace pat::tokenclient
