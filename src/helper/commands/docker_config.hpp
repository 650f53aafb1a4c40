#pragma once
// Safe edits of the docker CLI's config.json (configure, ci login/logout):
//  - keeps every other key and their order (nlohmann::ordered_json);
//  - refuses a file that is not a JSON object, with a clear error, and
//    leaves it untouched;
//  - copies the previous content to config.json.bak before the change;
//  - writes a temp file in the same directory with the same mode (0600 for
//    a new file), fsyncs it and renames it over the original, so a crash
//    leaves either the old or the new file, never half of one;
//  - does not write at all when the edit changes nothing.
// A symlinked config.json is edited at its target (the link survives).

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"

namespace pat::helper::cmd {

using DockerConfig = nlohmann::ordered_json;

// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json; nullopt when
// neither is set.
std::optional<std::string> docker_config_path(const cred::EnvLookup& env);

// Reads the config (a missing file is an empty object).
cred::Result<DockerConfig> read_docker_config(const std::string& path);

// Applies `edit` (which returns whether it changed anything) and writes the
// result as described above. Returns whether the file was written.
cred::Result<bool> edit_docker_config(const std::string& path,
                                      const std::function<bool(DockerConfig&)>& edit);

// Edits used by configure and ci: set credHelpers[key] = helper (true when
// changed), remove credHelpers[key] when it equals `helper` (true when
// removed; an emptied credHelpers is removed too), set credsStore.
bool set_cred_helper(DockerConfig& config, const std::string& key, const std::string& helper);
bool remove_cred_helper(DockerConfig& config, const std::string& key, const std::string& helper);
bool set_creds_store(DockerConfig& config, const std::string& helper);

// The name docker uses for this helper in credHelpers/credsStore.
inline constexpr const char* k_helper_name = "pat";

}  // namespace pat::helper::cmd
