#pragma once
// The flush: posts spooled uses to the token service, refreshes the cached
// verdict of every stored credential, compacts the spool. At most one runs
// at a time (flock on StatePaths::flush_lock; a second one exits at once).
//
// `get` starts it detached (maybe_spawn_flush): double fork + setsid, stdin,
// stdout and stderr on /dev/null and every other fd closed, so the docker
// CLI, which waits for the helper's stdout/stderr to close, never waits for
// it; it re-executes /proc/self/exe with the hidden `flush` action (no
// secret in argv: it reads the keychain itself).

#include <iosfwd>

#include "common/clock.hpp"
#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"
#include "helper/lifecycle/helper_config.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::helper {

struct FlushReport {
    int uses_delivered = 0;
    int uses_kept = 0;  // service down: retried next time
    int verdicts_refreshed = 0;
    int already_running = 0;  // 1 when another flush held the lock
};

// Runs a flush in this process (the hidden `flush` action and tests).
// `inner` is the native store (not the PatAwareStore).
cred::Result<FlushReport> run_flush(cred::CredentialStore& inner,
                                    tokenclient::TokenService& service, const HelperConfig& config,
                                    const Clock& clock);

// Spawns a detached flush when one is due: the spool is non-empty or a
// verdict is older than config.flush_interval, and no flush started within
// flush_interval (tracked by the lock file's mtime). Never blocks. The only
// error is an unsafe lock file (Errc::unsafe_file: a symbolic link), for
// the caller to show; other problems go to the log at debug level.
cred::Result<void> maybe_spawn_flush(const HelperConfig& config, const Clock& clock);

// The hidden `flush` action (helper_runtime.cpp): loads the settings, opens
// the native store and the token service, runs run_flush. Returns the exit
// code; problems are one line on stderr (which is /dev/null when detached).
// With DOCKER_CREDENTIAL_PAT_OFFLINE it does nothing and returns 0.
int run_flush_command(const cred::EnvLookup& env);

}  // namespace pat::helper
