// Writes follow one rule so that a crash leaves the old credential or the
// new one, never a mix: the parts of the new credential go under a fresh
// generation first, then one CredWriteW replaces the head (the commit), and
// only then are the old generation's parts deleted. A crash before the head
// leaves unreferenced parts (harmless; docs/windows.md), never a head
// pointing at missing or foreign parts.
#include "windows/credential_manager_store.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "credentials/metadata.hpp"
#include "windows/credential_manager_format.hpp"
#include "windows/credential_manager_io.hpp"
#include "windows/wide_text.hpp"

namespace pat::platform {
namespace {

namespace fmt = credman_format;
using cred::Credentials;
using cred::Errc;
using cred::Error;
using cred::Result;

// The helper's limit for one secret (credentials/protocol.hpp reads 1 MiB
// plus the JSON around it).
constexpr std::size_t k_max_secret = std::size_t{1024} * 1024;

Result<void> check_text(std::string_view text, const char* what) {
    if (wide::from_utf8(text)) return {};
    return fail(Error{Errc::bad_input, std::string(what) + " is not valid UTF-8 text without NUL"});
}

std::uint64_t new_generation() {
    std::random_device random;
    return (std::uint64_t{random()} << 32) ^ random();
}

// The docker credential `key`, or nullopt (absent, or not docker's).
Result<std::optional<credman::Item>> read_head(std::string_view key) {
    auto item = credman::read(std::string(key));
    if (!item) return fail(std::move(item.error()));
    if (!*item || !fmt::is_docker_item(**item)) return std::optional<credman::Item>();
    return std::move(*item);
}

void delete_parts(const std::optional<fmt::PartsPointer>& pointer) {
    if (!pointer) return;
    // Best effort: a part left behind is unreferenced garbage, not data.
    for (std::uint32_t i = 0; i < pointer->parts; ++i) {
        (void)credman::remove(fmt::part_target(pointer->generation, i));
    }
}

std::optional<fmt::PartsPointer> pointer_of(const credman::Item& head) {
    auto pointer = fmt::parse_head_comment(head.comment);
    return pointer ? *pointer : std::nullopt;
}

// Deletes the parts no head names that are older than `orphan_age`: what
// writers that died between their parts and their head left behind. Best
// effort, like every clean-up of parts.
void sweep_orphan_parts(std::chrono::seconds orphan_age) {
    auto items = credman::enumerate("", false);
    if (!items) return;
    std::set<std::uint64_t> referenced;
    for (const auto& item : *items) {
        if (!fmt::is_docker_item(item)) continue;
        if (auto pointer = pointer_of(item)) referenced.insert(pointer->generation);
    }
    const std::uint64_t now = credman::now_filetime();
    const auto min_age = static_cast<std::uint64_t>(orphan_age.count()) * 10'000'000;
    for (const auto& item : *items) {
        auto generation = fmt::part_generation(item.target);
        if (!generation || referenced.count(*generation)) continue;
        if (item.last_written + min_age > now) continue;
        (void)credman::remove(item.target);
    }
}

class CredentialManagerStore final : public cred::CredentialStore {
  public:
    explicit CredentialManagerStore(std::chrono::seconds orphan_age) : m_orphan_age(orphan_age) {}

    Result<void> add(const Credentials& credentials) override {
        if (auto ok = check_text(credentials.server_url, "the server URL"); !ok) return ok;
        if (auto ok = check_text(credentials.username, "the username"); !ok) return ok;
        if (auto ok = cred::validate_metadata(credentials.metadata); !ok) return ok;
        const std::string_view secret = credentials.secret.reveal();
        if (secret.size() > k_max_secret) {
            return fail(Error{Errc::too_large, "the secret is longer than 1 MiB"});
        }
        auto old = read_head(credentials.server_url);
        if (!old) return fail(std::move(old.error()));

        credman::Item head;
        head.target = credentials.server_url;
        head.username = credentials.username;
        head.attributes.emplace_back(fmt::k_label_keyword, fmt::k_label);
        const std::size_t inline_size = std::min(secret.size(), credman::k_max_blob);
        head.blob.assign(secret.substr(0, inline_size));

        std::string rest(secret.substr(inline_size));
        const std::string metadata = fmt::encode_metadata(credentials.metadata);
        rest += metadata;
        std::optional<fmt::PartsPointer> pointer;
        if (!rest.empty()) {
            pointer = fmt::PartsPointer{
                new_generation(),
                static_cast<std::uint32_t>((rest.size() + credman::k_max_blob - 1) /
                                           credman::k_max_blob),
                static_cast<std::uint32_t>(secret.size()),
                static_cast<std::uint32_t>(metadata.size())};
            if (auto written = write_parts(*pointer, rest); !written) {
                wipe_string(rest);
                wipe_string(head.blob);
                return written;
            }
        }
        wipe_string(rest);
        head.comment = fmt::head_comment(pointer);
        auto committed = credman::write(head);
        wipe_string(head.blob);
        if (!committed) {
            delete_parts(pointer);
            return committed;
        }
        if (*old) delete_parts(pointer_of(**old));
        sweep_orphan_parts(m_orphan_age);
        return {};
    }

    Result<Credentials> get(std::string_view server_url) override {
        if (!wide::from_utf8(server_url)) return fail(cred::not_found());
        auto head = read_head(server_url);
        if (!head) return fail(std::move(head.error()));
        if (!*head) return fail(cred::not_found());
        credman::Item& item = **head;
        auto pointer = fmt::parse_head_comment(item.comment);
        if (!pointer) return fail(std::move(pointer.error()));
        Credentials out{std::string(server_url), item.username, {}, {}};
        if (!*pointer) {
            out.secret = Secret(std::move(item.blob));
            return out;
        }
        auto rest = read_parts(**pointer, server_url);
        if (!rest) {
            wipe_string(item.blob);
            return fail(std::move(rest.error()));
        }
        const fmt::PartsPointer& parts = **pointer;
        const std::size_t rest_secret = rest->size() - parts.metadata_size;
        auto metadata = fmt::decode_metadata(std::string_view(*rest).substr(rest_secret));
        if (!metadata || item.blob.size() + rest_secret != parts.secret_size) {
            wipe_string(item.blob);
            wipe_string(*rest);
            return fail(incomplete(server_url, "its parts do not add up"));
        }
        item.blob.append(*rest, 0, rest_secret);
        wipe_string(*rest);
        out.secret = Secret(std::move(item.blob));
        out.metadata = std::move(*metadata);
        return out;
    }

    Result<void> erase(std::string_view server_url) override {
        if (!wide::from_utf8(server_url)) return fail(cred::not_found());
        auto head = read_head(server_url);
        if (!head) return fail(std::move(head.error()));
        if (!*head) return fail(cred::not_found());
        wipe_string((*head)->blob);
        if (auto removed = credman::remove(std::string(server_url)); !removed) return removed;
        delete_parts(pointer_of(**head));
        return {};
    }

    Result<std::map<std::string, std::string>> list() override {
        auto items = credman::enumerate("", false);
        if (!items) return fail(std::move(items.error()));
        std::map<std::string, std::string> out;
        for (const auto& item : *items) {
            if (fmt::is_docker_item(item)) out.emplace(item.target, item.username);
        }
        return out;
    }

  private:
    std::chrono::seconds m_orphan_age;

    static Error incomplete(std::string_view key, const std::string& why) {
        return Error{Errc::backend, "Credential Manager: the item for " + std::string(key) +
                                        " is incomplete (" + why + ")"};
    }

    static Result<void> write_parts(const fmt::PartsPointer& pointer, std::string_view rest) {
        for (std::uint32_t i = 0; i < pointer.parts; ++i) {
            credman::Item part;
            part.target = fmt::part_target(pointer.generation, i);
            part.comment = "docker-credential-pat: part of a longer credential";
            part.blob.assign(rest.substr(i * credman::k_max_blob, credman::k_max_blob));
            auto written = credman::write(part);
            wipe_string(part.blob);
            if (!written) {
                delete_parts(fmt::PartsPointer{pointer.generation, i, 0, 0});
                return written;
            }
        }
        return {};
    }

    static Result<std::string> read_parts(const fmt::PartsPointer& pointer, std::string_view key) {
        std::string out;
        for (std::uint32_t i = 0; i < pointer.parts; ++i) {
            auto part = credman::read(fmt::part_target(pointer.generation, i));
            if (!part || !*part) {
                wipe_string(out);
                if (!part) return fail(std::move(part.error()));
                return fail(incomplete(key, "part " + std::to_string(i + 1) + " of " +
                                                std::to_string(pointer.parts) + " is missing"));
            }
            out += (*part)->blob;
            wipe_string((*part)->blob);
        }
        if (out.size() < pointer.metadata_size) {
            wipe_string(out);
            return fail(incomplete(key, "its parts do not add up"));
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<cred::CredentialStore> make_credential_manager_store(
    std::chrono::seconds orphan_age) {
    return std::make_unique<CredentialManagerStore>(orphan_age);
}

}  // namespace pat::platform
