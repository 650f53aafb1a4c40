#pragma once
// What the commands build from the environment: the helper's settings,
// the native keychain store, the patd client for a registry, and small
// shared facts (internal keys, fresh generations).

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "credentials/account_store.hpp"
#include "credentials/credential_store.hpp"
#include "helper/lifecycle/helper_config.hpp"
#include "helper/lifecycle/token_item.hpp"
#include "tokenclient/patd_client.hpp"
#include "tokenclient/service_locator.hpp"

namespace pat::helper::cmd {

// The native keychain store `config` selects, with several accounts per
// registry (cred::AccountStore; no PAT lifecycle on top: the commands write
// metadata themselves and must not validate twice). The
// settings come from lifecycle's load_settings, one read per command.
std::unique_ptr<cred::CredentialStore> open_native_store(const cred::StoreConfig& config,
                                                         const cred::EnvLookup& env);
// The same store, with the account operations (`accounts`).
std::unique_ptr<cred::AccountStore> open_account_store(const cred::StoreConfig& config,
                                                       const cred::EnvLookup& env);

// patd's client for `key` (a registry server key or, when only
// DOCKER_CREDENTIAL_PAT_BACKEND is set, that URL). Errors: the service
// cannot be reached, or it is not patd ("… token management needs patd's API").
// `clock` is the command's (CommandContext::clock): discovery and expiry.
cred::Result<std::unique_ptr<tokenclient::PatdClient>> locate_patd(const HelperConfig& config,
                                                                   const std::string& key,
                                                                   const Clock& clock);

// The patd URLs with a cached `tokens` session in `store`, sorted; empty
// when the store cannot be listed. Lets `tokens` find the one patd a person
// already signed in to without --registry.
std::set<std::string> cached_session_services(cred::CredentialStore& store);

// Keeps a patd token that a command just received (`tokens create --store`,
// `login`) under `server` with the metadata the lifecycle reads later:
// active, patd at `service_url`, owned by `username`, dated now by `clock`
// (date_by_helper), a fresh generation (store_with_token_info). Replaces an item stored for
// `server` before.
cred::Result<void> store_patd_token(cred::CredentialStore& store, const std::string& server,
                                    const std::string& username, Secret token,
                                    tokenclient::TokenInfo info, const std::string& service_url,
                                    const Clock& clock);

}  // namespace pat::helper::cmd
