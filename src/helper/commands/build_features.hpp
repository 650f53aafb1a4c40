#pragma once
// What `docker-credential-pat --version` prints: upstream's version line
// first (byte-identical to the `version` action, docs/protocol.md), then the
// stores compiled in and the HTTP transports, with whether libcurl loads.

#include <string>

namespace pat::helper {

// Several lines, each ending in "\n"; the first is cred::version_line().
std::string build_features_text();

}  // namespace pat::helper
