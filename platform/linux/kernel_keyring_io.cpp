#include "linux/kernel_keyring_io.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/secret.hpp"
#include "linux/kernel_keyring_errors.hpp"

namespace pat::platform::keyring_io {
namespace {

// Moves `id` from the thread keyring into `ring`. Falls back to link+unlink
// on kernels without KEYCTL_MOVE (< 5.3), where `exclusive` is best effort.
int move_from_thread(KeyId id, KeyId ring, bool exclusive) {
    if (keyctl_move(id, KEY_SPEC_THREAD_KEYRING, ring, exclusive ? KEYCTL_MOVE_EXCL : 0) == 0) {
        return 0;
    }
    if (errno != EOPNOTSUPP && errno != ENOSYS) return errno;
    if (keyctl_link(id, ring) != 0) return errno;
    keyctl_unlink(id, KEY_SPEC_THREAD_KEYRING);
    return 0;
}

}  // namespace

key_perm_t permissions(cred::KeyringParent parent) {
    // User mode: without the user bits, a process whose session keyring does
    // not link @u (cron, systemd services, `keyctl session -`) could only
    // "view" the keys. Session mode: exactly that is the point, so nobody
    // but a possessor (a process of this session) gets anything, not even
    // "view" (the key is then absent from other sessions' /proc/keys).
    if (parent == cred::KeyringParent::session) return KEY_POS_ALL;
    return KEY_POS_ALL | KEY_USR_ALL;
}

bool is_gone(int err) {
    return err == ENOKEY || err == EKEYEXPIRED || err == EKEYREVOKED;
}

pat::Result<std::optional<KeyId>, cred::Error> search(KeyId ring, const std::string& description) {
    const long id = keyctl_search(ring, "user", description.c_str(), 0);
    if (id >= 0) return std::optional<KeyId>(static_cast<KeyId>(id));
    if (is_gone(errno)) return std::optional<KeyId>();
    return fail(keyring_error(errno, "looking up a credential"));
}

IoResult<std::string> read(KeyId id) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        const long size = keyctl_read(id, nullptr, 0);
        if (size < 0) return fail(errno);
        std::string buf(static_cast<std::size_t>(size), '\0');
        const long got = keyctl_read(id, buf.data(), buf.size());
        if (got < 0) {
            const int err = errno;
            wipe_string(buf);
            return fail(err);
        }
        if (got <= size) {
            buf.resize(static_cast<std::size_t>(got));
            return buf;
        }
        wipe_string(buf);  // it grew in between; read again
    }
    return fail(EAGAIN);
}

IoResult<std::vector<KeyId>> links(KeyId ring) {
    auto bytes = read(ring);
    if (!bytes) return fail(bytes.error());
    std::vector<KeyId> ids(bytes->size() / sizeof(KeyId));
    if (!ids.empty()) std::memcpy(ids.data(), bytes->data(), ids.size() * sizeof(KeyId));
    return ids;
}

std::optional<Description> describe(KeyId id) {
    char* raw = nullptr;
    if (keyctl_describe_alloc(id, &raw) < 0) return std::nullopt;
    std::string text(raw);
    std::free(raw);
    // "type;uid;gid;perm;description" — the description may contain ';'.
    std::size_t pos = 0;
    for (int field = 0; field < 4; ++field) {
        pos = text.find(';', pos);
        if (pos == std::string::npos) return std::nullopt;
        ++pos;
    }
    return Description{text.substr(0, text.find(';')), text.substr(pos)};
}

IoResult<std::optional<KeyId>> find_keyring(KeyId parent, std::string_view name) {
    auto ids = links(parent);
    if (!ids) {
        if (is_gone(ids.error())) return std::optional<KeyId>();
        return fail(ids.error());
    }
    for (KeyId id : *ids) {
        auto info = describe(id);
        if (info && info->type == "keyring" && info->description == name) {
            return std::optional<KeyId>(id);
        }
    }
    return std::optional<KeyId>();
}

IoResult<KeyId> create_keyring(KeyId parent, std::string_view name, key_perm_t perm) {
    const std::string desc(name);
    const KeyId id = add_key("keyring", desc.c_str(), nullptr, 0, KEY_SPEC_THREAD_KEYRING);
    if (id < 0) return fail(errno);
    int err = keyctl_setperm(id, perm) == 0 ? move_from_thread(id, parent, true) : errno;
    if (err != 0) {
        keyctl_unlink(id, KEY_SPEC_THREAD_KEYRING);
        return fail(err);
    }
    return id;
}

pat::Result<KeyId, cred::Error> create_and_move(const std::string& description,
                                                std::string_view payload, KeyId ring,
                                                unsigned timeout_seconds, key_perm_t perm) {
    const KeyId id = add_key("user", description.c_str(), payload.data(), payload.size(),
                             KEY_SPEC_THREAD_KEYRING);
    if (id < 0) return fail(keyring_error(errno, "storing a credential"));
    int err = keyctl_setperm(id, perm) == 0 ? 0 : errno;
    if (err == 0 && timeout_seconds > 0 && keyctl_set_timeout(id, timeout_seconds) != 0)
        err = errno;
    if (err == 0) err = move_from_thread(id, ring, false);
    if (err != 0) {
        keyctl_invalidate(id);
        keyctl_unlink(id, KEY_SPEC_THREAD_KEYRING);
        return fail(keyring_error(err, "storing a credential"));
    }
    return id;
}

int remove(KeyId id, KeyId ring) {
    // Unlink first so the keyring no longer shows the key at once, then
    // invalidate it so no other link keeps the secret alive until GC.
    const int unlinked = keyctl_unlink(id, ring) == 0 ? 0 : errno;
    const int invalidated = keyctl_invalidate(id) == 0 ? 0 : errno;
    if (unlinked == 0 || is_gone(unlinked)) return 0;
    return invalidated == 0 ? 0 : unlinked;
}

}  // namespace pat::platform::keyring_io
