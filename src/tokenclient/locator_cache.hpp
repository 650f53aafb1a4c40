#pragma once
// The discovery cache of ServiceLocator (internal): a small JSON file
// {"version":1,"entries":{server key: entry}} holding only non-secret facts
// (URLs, kinds). Written atomically (temp file + rename) with mode 0600; a
// missing or corrupt file reads as empty. Read never through a symbolic
// link, and neither read nor written when its directory is not private to
// the user (another user's, or group/other-writable: one warning line),
// since a planted entry would send the next stored secret elsewhere.

#include <cstdint>
#include <map>
#include <string>

#include "tokenclient/service_endpoint.hpp"

namespace pat::tokenclient {

struct CachedEndpoint {
    ServiceEndpoint endpoint;
    std::string configured;      // the URL from env/config it was derived from ("" = discovery)
    std::int64_t stored_at = 0;  // unix seconds
};

using LocatorCache = std::map<std::string, CachedEndpoint>;

LocatorCache read_locator_cache(const std::string& path);

// Best effort: a cache that cannot be written only costs a later rediscovery.
void write_locator_cache(const std::string& path, const LocatorCache& cache);

}  // namespace pat::tokenclient
