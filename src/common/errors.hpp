#pragma once
// The helper's error vocabulary, shared by its keychain side (src/credentials,
// platform/) and its token-service side (src/tokenclient), which meet only
// here and in src/helper. patd has its own (src/patd/domain/error.hpp). The
// protocol's canonical texts for some of these codes are not here but in
// credentials/errors.hpp, with the protocol.

#include <string>

#include "common/result.hpp"

namespace pat::err {

enum class Errc {
    not_found,              // no credential for the key (the only "soft" error)
    missing_server_url,     // empty ServerURL / empty get-erase input
    missing_username,       // empty Username on store
    bad_input,              // malformed payload, wrong JSON types, bad argv
    too_large,              // payload above the documented limit
    quota_exceeded,         // the keychain refuses more data (kernel key quota)
    keychain_locked,        // the collection/keyring is locked and we may not prompt
    no_session_bus,         // no D-Bus session bus reachable
    no_provider,            // the bus has no org.freedesktop.secrets
    no_default_collection,  // provider has no default collection/alias
    timeout,                // a keychain call passed its deadline
    provider_vanished,      // the keychain service went away mid-request
    backend,                // any other keychain failure
    // The helper's own state files (src/helper/state): a directory others
    // can write, a file that is a symbolic link. Shown to the user, never
    // fatal for a credential lookup.
    unsafe_file,
    // The token service (src/tokenclient); messages name the service URL,
    // never a secret.
    service_unreachable,   // connection refused, DNS, TLS, or past the deadline
    service_unauthorized,  // the service refused these credentials (401)
    service_forbidden,     // authenticated but not allowed (403), e.g. a PAT session
    service_rejected,      // any other 4xx with the service's detail
    service_failure,       // 5xx or a reply that is not what the contract says
};

struct Error {
    Errc code;
    std::string message;  // one line, never contains a secret
};

template <class T>
using Result = pat::Result<T, Error>;

}  // namespace pat::err
