#pragma once
// What `ci login` changed, so `ci logout` undoes exactly that: per server
// key, the docker config it edited and whether it added the credHelpers
// entry (an entry the user had before is left alone). A small non-secret
// JSON file, <state dir>/ci.json, written atomically.

#include <map>
#include <string>

#include "credentials/errors.hpp"

namespace pat::helper::cmd {

struct CiEntry {
    std::string docker_config;  // path of the config.json edited ("" = none)
    bool added_helper = false;  // credHelpers[key] was added by ci login
};

using CiState = std::map<std::string, CiEntry>;

// A missing or unreadable file is an empty state.
CiState load_ci_state(const std::string& path);
cred::Result<void> save_ci_state(const std::string& path, const CiState& state);

}  // namespace pat::helper::cmd
