#pragma once
// Where the helper keeps its small non-secret files. Nothing here ever holds
// a secret; every file is created mode 0600 in a 0700 directory, opened
// with O_NOFOLLOW, and a directory that others could write is refused.
//   state dir  $XDG_STATE_HOME/docker-credential-pat  (default ~/.local/state/…)
//     usage.spool     uses seen by `get`, waiting for the flush
//     verdicts.json   refreshed token states, by server key + generation
//     flush.lock      held by the one running flush
//   cache dir  $XDG_CACHE_HOME/docker-credential-pat  (default ~/.cache/…)
//     services.json   discovery results (ServiceLocator)
// DOCKER_CREDENTIAL_PAT_STATE_DIR overrides the state dir (tests, CI).

#include <optional>
#include <string>
#include <string_view>

#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"

namespace pat::helper {

struct StatePaths {
    std::string state_dir;
    std::string cache_dir;
    std::string spool() const { return state_dir + "/usage.spool"; }
    std::string verdicts() const { return state_dir + "/verdicts.json"; }
    std::string flush_lock() const { return state_dir + "/flush.lock"; }
    std::string services_cache() const { return cache_dir + "/services.json"; }
};

// nullopt when neither XDG_* nor HOME gives an absolute path.
std::optional<StatePaths> state_paths(const cred::EnvLookup& env);

// Creates `dir` and its missing parents with mode 0700. An existing `dir`
// must be a directory (not a symbolic link) owned by this user and not
// writable by group or others: otherwise Errc::unsafe_file, saying which
// rule it breaks. The parents are the user's (HOME, XDG dirs) and are
// taken as they are.
cred::Result<void> ensure_private_dir(const std::string& dir);

// Reads a whole state file, never through a symbolic link (O_NOFOLLOW:
// Errc::unsafe_file) and without blocking on a FIFO. nullopt: no file.
cred::Result<std::optional<std::string>> read_state_file(std::string_view what,
                                                         const std::string& path);

// Replaces a state file whole: a fresh 0600 temp file beside it (O_EXCL,
// O_NOFOLLOW), fsync, rename over `path`. Creates the directory 0700 when
// it is missing, under the rules of ensure_private_dir.
cred::Result<void> write_state_file(std::string_view what, const std::string& path,
                                    std::string_view content);

}  // namespace pat::helper
