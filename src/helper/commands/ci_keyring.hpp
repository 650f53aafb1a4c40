#pragma once
// What `ci login`, `ci login --oidc` and `ci logout` share: where the CI
// state file is, and the kernel keyring store they write with a time-out.

#include <chrono>
#include <memory>
#include <string>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"
#include "helper/lifecycle/helper_config.hpp"

namespace pat::helper::cmd {

// <state dir>/ci.json (ci_state.hpp).
std::string ci_state_path(const HelperConfig& config);

// The platform's expiring store (cred::make_expiring_store; on Linux the
// kernel keyring under the configured parent): every add() gets `ttl` as
// the item's time-out (0: none, logout only erases).
std::unique_ptr<cred::CredentialStore> keyring_store(const cred::StoreConfig& store_config,
                                                     std::chrono::seconds ttl);

// Its name for people (cred::expiring_store_name), e.g.
// "kernel keyring (user)".
std::string keyring_name(const cred::StoreConfig& store_config);

}  // namespace pat::helper::cmd
