#pragma once
// The Linux kernel keyring store (keyutils): for machines without a Secret
// Service (servers, SSH sessions, CI, WSL). Secrets live in kernel memory
// only — never on disk, never in swap — and vanish at reboot.
//
// Layout: a dedicated keyring named `docker-credential-pat`, linked into the
// user keyring (@u, seen by every process of the user) or, when configured,
// the session keyring (@s). Inside it, one `user` key per credential, named
// `cred:<server key>`, holding username + secret (kernel_keyring_format.hpp).
// A `user` key holds at most 32767 bytes, so larger secrets are split over
// `chunk:<generation>:<n>` keys that the credential key points at; after
// every commit and erase, chunks nobody points at are dropped
// (kernel_keyring_sweep.hpp).
//
// Every key and the keyring get explicit permissions. Under @u: possessor
// and owning user view/read/write/search/link/setattr, group/other nothing,
// because a process whose session keyring does not link @u does not
// *possess* keys reached through @u and the default permissions grant it
// only "view". Under @s: the same for the possessor only (the processes of
// that session) and nothing for anyone else, so other processes of the same
// user cannot read (or even see) the keys: that is what session mode is for.
// Keys are created in the (possessed) thread keyring, given permissions
// there, and then moved into place; a replace moves the new key over the old
// one in a single kernel operation, so a failed replace never loses the
// previous credential.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"

namespace pat::platform {

inline constexpr std::string_view k_keyring_name = "docker-credential-pat";

struct KeyringOptions {
    cred::KeyringParent parent = cred::KeyringParent::user;
    // 0: stored credentials stay until erased. Otherwise every add() gives
    // the credential key and its chunks this time-out (keyctl_set_timeout):
    // the kernel drops them when it passes, and get() answers not found
    // (`ci login --ttl`).
    std::chrono::seconds timeout{0};
};

std::unique_ptr<cred::CredentialStore> make_kernel_keyring_store(const KeyringOptions& options);

// Why the kernel keyring cannot be used in this process (the keyctl syscalls
// are missing or blocked), or nullopt when it works. For tests that skip.
std::optional<std::string> kernel_keyring_unavailable_reason();

}  // namespace pat::platform
