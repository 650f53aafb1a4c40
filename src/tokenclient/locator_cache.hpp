#pragma once
// The discovery cache of ServiceLocator (internal): a small JSON file
// {"version":1,"entries":{server key: entry}} holding only non-secret facts
// (URLs, kinds). Written atomically (temp file + rename) with mode 0600; a
// missing or corrupt file reads as empty.

#include <map>
#include <string>

#include "tokenclient/service_locator.hpp"

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
