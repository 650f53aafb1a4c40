#pragma once
// The helper's error vocabulary. The three canonical texts are protocol:
// docker, docker-py, crane and others compare stdout against them literally
// (docs/protocol.md "Error texts that clients match"), so they live here and nowhere else.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace pat::cred {

inline constexpr std::string_view k_not_found_message = "credentials not found in native keychain";
inline constexpr std::string_view k_missing_server_url_message = "no credentials server URL";
inline constexpr std::string_view k_missing_username_message = "no credentials username";

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

// The error with its canonical message for the three protocol errors.
Error not_found();
Error missing_server_url();
Error missing_username();

template <class T>
using Result = pat::Result<T, Error>;

}  // namespace pat::cred
