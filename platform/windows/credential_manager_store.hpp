#pragma once
// The CredentialStore over the Windows Credential Manager, drop-in with
// docker-credential-wincred's items (docs/windows.md).

#include <memory>

#include "credentials/credential_store.hpp"

namespace pat::platform {

std::unique_ptr<cred::CredentialStore> make_credential_manager_store();

}  // namespace pat::platform
