#pragma once
// The Secret Service store (org.freedesktop.secrets over the D-Bus session
// bus: gnome-keyring, KeePassXC, kwallet). Items use the upstream
// docker-credential-secretservice schema so users can switch helpers without
// logging in again (docs/secret-service.md).

#include <chrono>
#include <memory>
#include <string>

#include "credentials/credential_store.hpp"

namespace pat::platform {

struct SecretServiceOptions {
    // Deadline for each D-Bus call; nothing waits longer, prompts included.
    std::chrono::milliseconds call_timeout{3000};
    // Collection alias to store into; empty = the "default" alias.
    std::string collection;
};

// Whether the session bus is reachable and has an org.freedesktop.secrets
// owner (or an activatable one). Used by automatic store selection; returns
// quickly (bounded by call_timeout) and never prompts.
bool secret_service_available(const SecretServiceOptions& options);

std::unique_ptr<cred::CredentialStore> make_secret_service_store(
    const SecretServiceOptions& options);

// The Secret Service store when secret_service_available(options), using
// the connection that asked (one bus connection per helper call); else
// nullptr.
std::unique_ptr<cred::CredentialStore> make_secret_service_store_if_available(
    const SecretServiceOptions& options);

}  // namespace pat::platform
