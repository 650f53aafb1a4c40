#pragma once
// Thin, errno-returning wrappers over the keyutils calls the kernel keyring
// store needs. Kept apart so the store reads as policy, not syscalls.

#include <keyutils.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"

namespace pat::platform::keyring_io {

using KeyId = key_serial_t;
// The error side is an errno value.
template <class T>
using IoResult = pat::Result<T, int>;

struct Description {
    std::string type;
    std::string description;
};

// Whether an errno means "the key is not there (any more)".
bool is_gone(int err);

// The `user` key named `description` in `ring`, or nullopt when absent,
// expired or revoked.
pat::Result<std::optional<KeyId>, cred::Error> search(KeyId ring, const std::string& description);

// The whole payload of a key. Holds secrets: the caller wipes it.
IoResult<std::string> read(KeyId id);

// The keys linked directly from a keyring.
IoResult<std::vector<KeyId>> links(KeyId ring);

// Type and description of a key; nullopt when it cannot be described.
std::optional<Description> describe(KeyId id);

// The keyring named `name` linked directly from `parent` (no recursive
// search, so a session keyring that links @u does not find @u's keyring).
IoResult<std::optional<KeyId>> find_keyring(KeyId parent, std::string_view name);

// The store's permissions for the keyring and every key in it (possessor
// and owning user: view, read, write, search, link, setattr; nobody else:
// nothing). In the session keyring only possessors get them (see
// kernel_keyring_store.hpp), so another session of the same user cannot
// read the keys even when it learns their ids from /proc/keys.
key_perm_t permissions(cred::KeyringParent parent);

// Creates an empty keyring `name` with `perm` and links it into `parent`
// only if no keyring of that name is there: EEXIST otherwise.
IoResult<KeyId> create_keyring(KeyId parent, std::string_view name, key_perm_t perm);

// Creates a `user` key in the (possessed) thread keyring, sets the optional
// timeout and `perm` there (the store passes its mode's permissions; the
// default is the narrowest, possessor only), then moves it into `ring`,
// displacing a key with the same description in one kernel operation.
pat::Result<KeyId, cred::Error> create_and_move(const std::string& description,
                                                std::string_view payload, KeyId ring,
                                                unsigned timeout_seconds = 0,
                                                key_perm_t perm = KEY_POS_ALL);

// Unlinks a key from `ring` and invalidates it. Returns 0 or an errno.
int remove(KeyId id, KeyId ring);

}  // namespace pat::platform::keyring_io
