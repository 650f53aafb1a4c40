#pragma once
// The store contract every keychain implements (Secret Service, kernel
// keyring, memory, later macOS/Windows). Modelled on
// docker-credential-helpers' credentials.Helper: four verbs.
//
// Rules every implementation follows (pinned by tests/conformance):
//  - one credential per server key; add() replaces, even when the username
//    changes, and a failed add() leaves the previous credential intact;
//  - get() of an absent key is Errc::not_found, never an empty success;
//  - erase() removes every item for the key; when none exists it is
//    Errc::not_found (the protocol says so, as upstream's osxkeychain does;
//    callers that only clean up treat it as done);
//  - list() maps each stored key to its username, and every key it returns
//    works with get();
//  - a locked or unreachable keychain is its own error, never not_found.

#include <map>
#include <string>
#include <string_view>

#include "credentials/credentials.hpp"
#include "credentials/errors.hpp"

namespace pat::cred {

class CredentialStore {
  public:
    virtual ~CredentialStore() = default;

    virtual Result<void> add(const Credentials& credentials) = 0;
    virtual Result<Credentials> get(std::string_view server_url) = 0;
    virtual Result<void> erase(std::string_view server_url) = 0;
    virtual Result<std::map<std::string, std::string>> list() = 0;
};

}  // namespace pat::cred
