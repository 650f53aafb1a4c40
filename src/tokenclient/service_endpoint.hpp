#pragma once
// Where a server key's token service is: what ServiceLocator finds and its
// discovery cache (locator_cache.hpp) keeps. A header of its own, so the
// cache does not include the locator that uses it.

#include <string>

#include "tokenclient/registry_probe.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::tokenclient {

struct ServiceEndpoint {
    ServiceKind kind = ServiceKind::none;  // none: no token service found
    std::string patd_url;                  // kind patd: origin, e.g. http://127.0.0.1:5001
    BearerChallenge challenge;             // kind registry (and patd when discovered)
    // "DOCKER_CREDENTIAL_PAT_BACKEND", "config file", "discovery", "recorded at store time"
    std::string source;
};

}  // namespace pat::tokenclient
