#pragma once
// The platform seam: everything the helper asks of the OS keychains, and
// the only thing it knows of them. Each platform implements these functions
// once, under platform/<os>/ (Linux: platform/linux/native_keychain.cpp).
// The libraries under src/ only declare the need; CMake links exactly one
// platform into the helper executable and into the tests
// (docs/architecture.md "Where to add… a keychain").

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"

namespace pat::cred {

// The native store `config` selects in the environment `env` (for `auto`,
// the platform's own rule, bounded by config.timeout). Without the PAT
// lifecycle: that is PatAwareStore's job.
std::unique_ptr<CredentialStore> make_native_store(const StoreConfig& config, const EnvLookup& env);

// A native store whose items disappear by themselves `ttl` after they are
// added (0: they stay until erased), for `ci login --ttl`: a CI job's token
// must not outlive the job. `ci logout` opens it with 0 to erase.
std::unique_ptr<CredentialStore> make_expiring_store(const StoreConfig& config,
                                                     std::chrono::seconds ttl);

// The expiring store's name for people, e.g. "kernel keyring (user)".
std::string expiring_store_name(const StoreConfig& config);

// Why the native store `config` selects in `env` will not read what
// make_expiring_store wrote (docker would not find a `ci login` token), as
// a warning with its fix; nullopt when it will.
std::optional<std::string> expiring_store_unseen_warning(const StoreConfig& config,
                                                         const EnvLookup& env);

// One finding of `doctor`, as doctor prints it.
enum class CheckStatus { ok, warn, fail, info };
struct CheckFinding {
    std::string check;
    CheckStatus status;
    std::string detail;
    std::string fix;  // one line, shown when status is not ok
    // doctor --format json's id; empty: derived from `check`
    // (helper/commands/doctor_ci_checks.hpp, doctor_check_id).
    std::string id = {};
};

// What `doctor` reports about the keychains: which store `config` selects
// in `env` and why, then whether each of the platform's keychains (and what
// they need, such as a session bus) works, with how to fix what does not.
// Never prompts; every call is bounded by config.timeout.
std::vector<CheckFinding> check_keychains(const StoreConfig& config, const EnvLookup& env);

}  // namespace pat::cred
