#include "linux/kernel_keyring_store.hpp"

#include <keyutils.h>
#include <sys/random.h>

#include <cerrno>
#include <limits>
#include <vector>

#include "credentials/metadata.hpp"
#include "linux/kernel_keyring_errors.hpp"
#include "linux/kernel_keyring_format.hpp"
#include "linux/kernel_keyring_io.hpp"
#include "linux/kernel_keyring_sweep.hpp"

namespace pat::platform {
namespace {

using cred::Errc;
using cred::Error;
using cred::Result;
namespace fmt = keyring_format;
using keyring_io::KeyId;

// Chunks stay in the keyring only this long unless their credential key is
// committed; a helper that dies half-way leaves nothing behind for good.
constexpr unsigned k_chunk_grace_seconds = 300;
constexpr int k_read_attempts = 4;

std::string head_description(std::string_view server_url) {
    return std::string(fmt::k_cred_prefix) + std::string(server_url);
}

std::uint64_t new_generation() {
    std::uint64_t value = 0;
    while (value == 0) {
        if (::getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value)) value = 0;
    }
    return value;
}

class KernelKeyringStore final : public cred::CredentialStore {
  public:
    explicit KernelKeyringStore(KeyringOptions options)
        : m_options(options), m_permissions(keyring_io::permissions(options.parent)) {}

    Result<void> add(const cred::Credentials& creds) override {
        const std::string description = head_description(creds.server_url);
        if (description.size() > fmt::k_max_description) {
            return fail(Error{
                Errc::too_large,
                "server URL too long for the kernel keyring: at most " +
                    std::to_string(fmt::k_max_description - fmt::k_cred_prefix.size()) + " bytes"});
        }
        if (auto valid = cred::validate_metadata(creds.metadata); !valid) return valid;
        const std::size_t head_size = fmt::head_size_without_secret(creds.username, creds.metadata);
        if (head_size > fmt::k_max_key_payload) {
            return fail(Error{Errc::too_large,
                              "username and metadata too long for the kernel keyring: at most " +
                                  std::to_string(fmt::k_max_key_payload - fmt::k_header_size) +
                                  " bytes together"});
        }
        auto ring = find_ring(true);
        if (!ring) return fail(std::move(ring).error());
        const KeyId ring_id = **ring;
        // A session keyring made by an older helper may still grant the
        // user's other sessions access: narrow it (its old keys are narrowed
        // when they are stored again).
        if (m_options.parent == cred::KeyringParent::session)
            keyctl_setperm(ring_id, m_permissions);

        std::optional<fmt::Head> old;
        if (auto old_id = keyring_io::search(ring_id, description); old_id && *old_id) {
            old = read_head(**old_id);
        }

        fmt::Head head;
        head.username = creds.username;
        head.metadata = creds.metadata;
        const std::string_view secret = creds.secret.reveal();
        head.secret_size = static_cast<std::uint32_t>(secret.size());
        std::vector<KeyId> chunks;
        std::optional<KeyId> pending;  // marks our chunks as wanted until the commit
        if (head_size + secret.size() <= fmt::k_max_key_payload) {
            head.inline_secret.assign(secret);
        } else {
            head.generation = new_generation();
            auto marker =
                keyring_io::create_and_move(fmt::pending_description(head.generation), "1", ring_id,
                                            k_chunk_grace_seconds, m_permissions);
            if (!marker) return fail(std::move(marker).error());
            pending = *marker;
            auto written = write_chunks(ring_id, head.generation, secret, m_permissions);
            if (!written) {
                keyring_io::remove(*pending, ring_id);
                return fail(std::move(written).error());
            }
            chunks = std::move(written).value();
            head.chunk_count = static_cast<std::uint32_t>(chunks.size());
        }
        std::string payload = fmt::encode_head(head);
        wipe_string(head.inline_secret);
        auto committed = keyring_io::create_and_move(description, payload, ring_id,
                                                     timeout_seconds(), m_permissions);
        wipe_string(payload);
        if (!committed) {
            for (KeyId id : chunks) keyring_io::remove(id, ring_id);
            if (pending) keyring_io::remove(*pending, ring_id);
            return fail(std::move(committed).error());
        }
        // Set after the credential key's, so the chunks never expire first
        // (get() would then report a broken credential instead of none).
        for (KeyId id : chunks) keyctl_set_timeout(id, timeout_seconds());
        if (pending) keyring_io::remove(*pending, ring_id);
        if (old && old->chunk_count > 0 && old->generation != head.generation) {
            drop_chunks(ring_id, *old);
        }
        // A concurrent store of the same key may have committed between our
        // read of `old` and our commit: its chunks are nobody's now.
        drop_unreferenced_chunks(ring_id);
        return {};
    }

    Result<cred::Credentials> get(std::string_view server_url) override {
        auto ring = find_ring(false);
        if (!ring) return fail(std::move(ring).error());
        if (!*ring) return fail(cred::not_found());
        const std::string description = head_description(server_url);
        // A concurrent replace may remove the chunks we are about to read;
        // read the (new) credential key again then.
        for (int attempt = 0; attempt < k_read_attempts; ++attempt) {
            auto id = keyring_io::search(**ring, description);
            if (!id) return fail(std::move(id).error());
            if (!*id) return fail(cred::not_found());
            auto payload = keyring_io::read(**id);
            if (!payload) {
                if (keyring_io::is_gone(payload.error())) continue;
                return fail(keyring_error(payload.error(), "reading a credential"));
            }
            auto head = fmt::decode_head(*payload);
            wipe_string(*payload);
            if (!head) return fail(foreign_item());
            if (head->chunk_count == 0) {
                return cred::Credentials{std::string(server_url), std::move(head->username),
                                         Secret(std::move(head->inline_secret)),
                                         std::move(head->metadata)};
            }
            auto secret = read_chunks(**ring, *head);
            if (secret) {
                return cred::Credentials{std::string(server_url), std::move(head->username),
                                         Secret(std::move(secret).value()),
                                         std::move(head->metadata)};
            }
        }
        return fail(Error{Errc::backend,
                          "the kernel keyring credential for this server is incomplete (parts "
                          "missing or being replaced); store it again"});
    }

    Result<void> erase(std::string_view server_url) override {
        auto ring = find_ring(false);
        if (!ring) return fail(std::move(ring).error());
        if (!*ring) return fail(cred::not_found());
        auto id = keyring_io::search(**ring, head_description(server_url));
        if (!id) return fail(std::move(id).error());
        if (!*id) return fail(cred::not_found());
        const auto head = read_head(**id);
        if (int err = keyring_io::remove(**id, **ring); err != 0 && !keyring_io::is_gone(err)) {
            return fail(keyring_error(err, "erasing a credential"));
        }
        if (head && head->chunk_count > 0) drop_chunks(**ring, *head);
        drop_unreferenced_chunks(**ring);
        return {};
    }

    Result<std::map<std::string, std::string>> list() override {
        std::map<std::string, std::string> out;
        auto ring = find_ring(false);
        if (!ring) return fail(std::move(ring).error());
        if (!*ring) return out;
        auto ids = keyring_io::links(**ring);
        if (!ids) return fail(keyring_error(ids.error(), "listing credentials"));
        for (KeyId id : *ids) {
            auto info = keyring_io::describe(id);
            if (!info || info->type != "user" ||
                info->description.rfind(fmt::k_cred_prefix, 0) != 0) {
                continue;
            }
            if (auto head = read_head(id)) {
                out.emplace(info->description.substr(fmt::k_cred_prefix.size()),
                            std::move(head->username));
            }
        }
        return out;
    }

  private:
    unsigned timeout_seconds() const {
        const auto seconds = m_options.timeout.count();
        if (seconds <= 0) return 0;
        return seconds > std::numeric_limits<unsigned>::max() ? std::numeric_limits<unsigned>::max()
                                                              : static_cast<unsigned>(seconds);
    }

    static Error foreign_item() {
        return {Errc::backend,
                "the kernel keyring item for this server was not written by docker-credential-pat; "
                "erase it and store the credential again"};
    }

    // The dedicated keyring, or nullopt when it does not exist (and !create).
    Result<std::optional<KeyId>> find_ring(bool create) {
        const KeyId parent = m_options.parent == cred::KeyringParent::session
                                 ? KEY_SPEC_SESSION_KEYRING
                                 : KEY_SPEC_USER_KEYRING;
        for (int attempt = 0; attempt < k_read_attempts; ++attempt) {
            auto found = keyring_io::find_keyring(parent, k_keyring_name);
            if (!found) return fail(keyring_error(found.error(), "opening the keyring"));
            if (*found || !create) return *found;
            auto made = keyring_io::create_keyring(parent, k_keyring_name, m_permissions);
            if (made) return std::optional<KeyId>(*made);
            // EEXIST: another helper created it first; use theirs.
            if (made.error() != EEXIST) {
                return fail(keyring_error(made.error(), "creating the keyring"));
            }
        }
        return fail(Error{Errc::backend, "could not create the docker-credential-pat keyring"});
    }

    static std::optional<fmt::Head> read_head(KeyId id) {
        auto payload = keyring_io::read(id);
        if (!payload) return std::nullopt;
        auto head = fmt::decode_head(*payload);
        wipe_string(*payload);
        return head;
    }

    static Result<std::vector<KeyId>> write_chunks(KeyId ring, std::uint64_t generation,
                                                   std::string_view secret, key_perm_t perm) {
        std::vector<KeyId> written;
        for (std::uint32_t i = 0; i * fmt::k_max_key_payload < secret.size(); ++i) {
            const auto piece = secret.substr(i * fmt::k_max_key_payload, fmt::k_max_key_payload);
            auto id = keyring_io::create_and_move(fmt::chunk_description(generation, i), piece,
                                                  ring, k_chunk_grace_seconds, perm);
            if (!id) {
                for (KeyId done : written) keyring_io::remove(done, ring);
                return fail(std::move(id).error());
            }
            written.push_back(*id);
        }
        return written;
    }

    // Nullopt-like failure (a missing chunk) makes get() retry.
    static Result<std::string> read_chunks(KeyId ring, const fmt::Head& head) {
        std::string secret;
        secret.reserve(head.secret_size);
        for (std::uint32_t i = 0; i < head.chunk_count; ++i) {
            auto id = keyring_io::search(ring, fmt::chunk_description(head.generation, i));
            auto piece = id && *id ? keyring_io::read(**id)
                                   : keyring_io::IoResult<std::string>(fail(ENOKEY));
            if (!piece) {
                wipe_string(secret);
                return fail(Error{Errc::backend, "missing chunk"});
            }
            secret.append(*piece);
            wipe_string(*piece);
        }
        if (secret.size() != head.secret_size) {
            wipe_string(secret);
            return fail(Error{Errc::backend, "chunk size mismatch"});
        }
        return secret;
    }

    static void drop_chunks(KeyId ring, const fmt::Head& head) {
        for (std::uint32_t i = 0; i < head.chunk_count; ++i) {
            auto id = keyring_io::search(ring, fmt::chunk_description(head.generation, i));
            if (id && *id) keyring_io::remove(**id, ring);
        }
    }

    KeyringOptions m_options;
    key_perm_t m_permissions;
};

}  // namespace

std::unique_ptr<cred::CredentialStore> make_kernel_keyring_store(const KeyringOptions& options) {
    return std::make_unique<KernelKeyringStore>(options);
}

std::optional<std::string> kernel_keyring_unavailable_reason() {
    if (keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0) >= 0) return std::nullopt;
    return keyring_error(errno, "probing the kernel keyring").message;
}

}  // namespace pat::platform
