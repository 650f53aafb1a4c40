#pragma once
// The helper's wiring, shared by main (store/get/erase/list) and the
// commands (check, tokens --store, ci …): the configured native keychain,
// the token service, the spool, the verdicts and the detached flush, put
// together as the PatAwareStore docker talks to.

#include <iosfwd>
#include <memory>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"
#include "helper/lifecycle/helper_config.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::helper {

// The token service for `config`: the remote one (ServiceLocator + patd
// client + registry probe; libcurl is loaded only when a call needs it), or,
// with config.offline, one that never touches the network: validate
// answers "no service" (stored unchecked, no warning), the rest
// service_unreachable.
std::unique_ptr<tokenclient::TokenService> make_token_service(const HelperConfig& config,
                                                              const Clock& clock);

// Opens the store docker talks to. Errors (one line): a bad setting, a
// keychain that cannot be opened. Without a state directory (no HOME and no
// XDG_STATE_HOME) it is the plain native store: no validation, no spool.
// `warnings` receives the one-line notices of PatAwareStore (stderr).
cred::Result<std::unique_ptr<cred::CredentialStore>> open_pat_store(const cred::EnvLookup& env,
                                                                    std::ostream& warnings);

}  // namespace pat::helper
