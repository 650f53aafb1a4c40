#pragma once
// The CredentialStore over the Windows Credential Manager, drop-in with
// docker-credential-wincred's items (docs/windows.md).

#include <chrono>
#include <memory>

#include "credentials/credential_store.hpp"

namespace pat::platform {

// `orphan_age`: how old a part that no head names must be before add()
// deletes it (a writer that crashed between its parts and its head left it;
// a younger one may belong to a store still in progress in another process).
std::unique_ptr<cred::CredentialStore> make_credential_manager_store(
    std::chrono::seconds orphan_age = std::chrono::hours(1));

}  // namespace pat::platform
