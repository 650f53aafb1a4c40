#pragma once
// Linux's store selection, behind the platform seam's make_native_store
// (credentials/native_keychain.hpp). Builds the store the configuration asks
// for (README "Which keychain is used"): `secretservice`, `keyring`, or `auto` — the Secret Service
// when the session bus has one, else the kernel keyring. Without DBUS_SESSION_BUS_ADDRESS, `auto`
// picks the keyring without touching D-Bus.

#include <chrono>
#include <memory>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"

namespace pat::platform {

enum class ChosenStore { secret_service, keyring };

// Which store `config` selects in an environment; may ask D-Bus (bounded by
// config.timeout) when config.store is automatic and a bus address is set.
ChosenStore choose_store(const cred::StoreConfig& config, const cred::EnvLookup& env);

std::unique_ptr<cred::CredentialStore> make_store(const cred::StoreConfig& config,
                                                  const cred::EnvLookup& env);

// The kernel keyring store of `config` (its keyring parent), whatever
// config.store says: for `ci login`, which stores into the kernel keyring
// with a time-out (`--ttl`; 0 = none, see KeyringOptions::timeout), and
// `ci logout`.
std::unique_ptr<cred::CredentialStore> make_keyring_store(
    const cred::StoreConfig& config, std::chrono::seconds timeout = std::chrono::seconds{0});

}  // namespace pat::platform
