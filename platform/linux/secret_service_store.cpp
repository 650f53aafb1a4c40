// The Secret Service CredentialStore: upstream docker-credential-secretservice
// items (schema io.docker.Credentials), read and written over a direct sd-bus
// client (secret_service/). Behaviour and reasoning: docs/secret-service.md.
#include "secret_service_store.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/log.hpp"
#include "common/utf8.hpp"
#include "credentials/metadata.hpp"
#include "secret_service/errors.hpp"
#include "secret_service/service.hpp"

namespace pat::platform {
namespace {

using ss::Attributes;
using ss::ItemInfo;

constexpr const char* k_schema = "io.docker.Credentials";
// Upstream's CredsLabel: an attribute, not the display label.
constexpr const char* k_creds_label = "Docker Credentials";
// Upstream >= 0.9's display label; list never reads it back.
constexpr std::string_view k_display_label_prefix = "Registry credentials for ";

// What we search for. Not xdg:schema: gnome-keyring reports a keyring that
// was loaded locked from disk with xdg:schema=org.freedesktop.Secret.Generic
// and only hashed attributes, so a schema search would miss its items and we
// would answer "not found" for a locked credential. The schema is checked on
// the unlocked items instead (is_ours).
Attributes key_query(std::string_view server) {
    return {{"server", std::string(server)}, {"docker_cli", "1"}};
}

// Every item upstream's libsecret schema matches (and foreign items do not).
bool is_ours(const ItemInfo& info) {
    auto it = info.attributes.find("xdg:schema");
    return it != info.attributes.end() && it->second == k_schema;
}

// The upstream items found by `query`: the unlocked ones with their
// properties, whether any locked item matched, and whether the alias's
// collection is locked (if the provider said).
struct Matches {
    std::vector<ItemInfo> unlocked;
    bool any_locked = false;
    std::optional<bool> alias_locked;
};

cred::Result<Matches> find(ss::Service& service, const Attributes& query,
                           const std::string& alias = {}) {
    auto found = service.search(query, false, alias);
    if (!found) return fail(std::move(found).error());
    auto infos = service.item_infos(found.value().unlocked);
    if (!infos) return fail(std::move(infos).error());
    Matches matches{{}, !found.value().locked.empty(), found.value().alias_locked};
    for (auto& info : infos.value()) {
        if (is_ours(info)) matches.unlocked.push_back(std::move(info));
    }
    return matches;
}

std::vector<std::string> paths_of(const std::vector<ItemInfo>& infos, const std::string& except) {
    std::vector<std::string> paths;
    for (const auto& info : infos) {
        if (info.path != except) paths.push_back(info.path);
    }
    return paths;
}

// D-Bus strings are UTF-8 without NUL: a key or username that is not can be
// neither stored nor found (sd-bus would refuse to build the message). The
// same rule as sd-bus's own check, without loading libsystemd for a key that
// never reaches the bus.
bool is_dbus_text(std::string_view text) {
    return text.find('\0') == std::string_view::npos && is_strict_utf8(text);
}

// The item's metadata: every attribute beside upstream's own whose name is
// a metadata name. Upstream's items have none.
cred::Metadata metadata_of(const ItemInfo& info) {
    cred::Metadata metadata;
    for (const auto& [name, value] : info.attributes) {
        if (cred::is_metadata_name(name) && !cred::is_reserved_metadata_name(name)) {
            metadata.emplace(name, value);
        }
    }
    return metadata;
}

std::string attribute(const ItemInfo& info, const char* name) {
    auto it = info.attributes.find(name);
    return it == info.attributes.end() ? std::string() : it->second;
}

// When upstream left several items for one key (one per username), the most
// recently modified wins, deterministically; ours keeps only one.
bool newer(const ItemInfo& a, const ItemInfo& b) {
    const auto a_len = a.path.size(), b_len = b.path.size();  // ".../10" after ".../9"
    return std::tie(a.modified, a.created, a_len, a.path) >
           std::tie(b.modified, b.created, b_len, b.path);
}

class SecretServiceStore final : public cred::CredentialStore {
  public:
    explicit SecretServiceStore(SecretServiceOptions options) : m_options(std::move(options)) {}
    // On a connection already open (make_secret_service_store_if_available).
    SecretServiceStore(SecretServiceOptions options, ss::Service service)
        : m_options(std::move(options)), m_service(std::move(service)) {}

    cred::Result<void> add(const cred::Credentials& credentials) override {
        if (!is_dbus_text(credentials.server_url) || !is_dbus_text(credentials.username)) {
            return fail(cred::Error{cred::Errc::bad_input,
                                    "the Secret Service keeps the server URL and username as "
                                    "UTF-8 text: this one is not valid UTF-8"});
        }
        if (auto valid = cred::validate_metadata(credentials.metadata); !valid) return valid;
        auto service = open();
        if (!service) return fail(std::move(service).error());
        ss::Service& s = *service.value();
        auto collection = s.writable_collection(m_options.collection);
        if (!collection) return fail(std::move(collection).error());
        Attributes attributes{{"xdg:schema", k_schema},
                              {"label", k_creds_label},
                              {"server", credentials.server_url},
                              {"username", credentials.username},
                              {"docker_cli", "1"}};
        // Metadata as extra attributes: upstream matches on its own
        // attributes only, so it still reads (and replaces) these items.
        attributes.insert(credentials.metadata.begin(), credentials.metadata.end());
        const std::string label = std::string(k_display_label_prefix) + credentials.server_url;
        // Create (or replace in place: same attributes) first, then remove the
        // others: a failure at any point leaves a working credential behind.
        auto item = s.create_item(collection.value(), label, attributes, credentials.secret);
        if (!item) return fail(std::move(item).error());
        auto found = find(s, key_query(credentials.server_url));
        if (!found) return fail(std::move(found).error());
        if (found.value().any_locked) {
            log::warn("stored; older items for this server in a locked keyring were left alone");
        }
        if (auto erased = s.delete_items(paths_of(found.value().unlocked, item.value())); !erased) {
            cred::Error error = std::move(erased).error();
            error.message =
                "stored, but an older item for this server was not removed: " + error.message;
            return fail(std::move(error));
        }
        return {};
    }

    cred::Result<cred::Credentials> get(std::string_view server_url) override {
        if (!is_dbus_text(server_url)) return fail(cred::not_found());  // cannot be stored
        auto service = open();
        if (!service) return fail(std::move(service).error());
        ss::Service& s = *service.value();
        auto found = s.search(key_query(server_url), true, alias());
        if (!found) return fail(std::move(found).error());
        auto items = s.load_items(found.value().unlocked);
        if (!items) return fail(std::move(items).error());
        auto& loaded = items.value();
        std::erase_if(loaded, [](const auto& item) { return !is_ours(item.first); });
        if (loaded.empty()) {
            // Never "not found" for a credential we merely cannot read.
            if (!found.value().locked.empty()) return fail(ss::keychain_locked());
            if (auto locked = default_locked(s, found.value().alias_locked); !locked) {
                return fail(std::move(locked).error());
            }
            return fail(cred::not_found());
        }
        auto best =
            std::max_element(loaded.begin(), loaded.end(),
                             [](const auto& a, const auto& b) { return newer(b.first, a.first); });
        return cred::Credentials{std::string(server_url), attribute(best->first, "username"),
                                 std::move(best->second), metadata_of(best->first)};
    }

    cred::Result<void> erase(std::string_view server_url) override {
        if (!is_dbus_text(server_url)) return fail(cred::not_found());  // cannot be stored
        auto service = open();
        if (!service) return fail(std::move(service).error());
        auto found = find(*service.value(), key_query(server_url), alias());
        if (!found) return fail(std::move(found).error());
        if (found.value().any_locked) return fail(ss::keychain_locked());
        if (found.value().unlocked.empty()) {
            if (auto locked = default_locked(*service.value(), found.value().alias_locked);
                !locked) {
                return locked;
            }
            return fail(cred::not_found());
        }
        return service.value()->delete_items(paths_of(found.value().unlocked, {}));
    }

    cred::Result<std::map<std::string, std::string>> list() override {
        auto service = open();
        if (!service) return fail(std::move(service).error());
        auto found =
            find(*service.value(), {{"label", k_creds_label}, {"docker_cli", "1"}}, alias());
        if (!found) return fail(std::move(found).error());
        // A partial list would make docker drop the missing credentials silently.
        if (found.value().any_locked) return fail(ss::keychain_locked());
        if (auto locked = default_locked(*service.value(), found.value().alias_locked); !locked) {
            return fail(std::move(locked).error());
        }
        std::map<std::string, std::vector<ItemInfo*>> by_server;
        for (ItemInfo& info : found.value().unlocked) {
            auto server = info.attributes.find("server");
            if (server != info.attributes.end()) by_server[server->second].push_back(&info);
        }
        std::vector<ItemInfo*> duplicates;  // upstream left one item per username
        for (auto& [server, infos] : by_server) {
            if (infos.size() > 1) duplicates.insert(duplicates.end(), infos.begin(), infos.end());
        }
        if (auto times = service.value()->load_times(duplicates); !times) {
            return fail(std::move(times).error());
        }
        std::map<std::string, const ItemInfo*> newest;
        for (auto& [server, infos] : by_server) {
            newest[server] = *std::max_element(infos.begin(), infos.end(),
                                               [](auto* a, auto* b) { return newer(*b, *a); });
        }
        std::map<std::string, std::string> result;
        for (const auto& [server, info] : newest)
            result.emplace(server, attribute(*info, "username"));
        return result;
    }

  private:
    // Fails with keychain_locked when the collection we store into is locked:
    // a provider may hide a locked collection's items from SearchItems, so an
    // empty answer is only "nothing there" when that collection is open.
    // `known`: what the search round trip already learnt, if anything.
    cred::Result<void> default_locked(ss::Service& service, std::optional<bool> known) {
        if (known) {
            if (*known) return fail(ss::keychain_locked());
            return {};
        }
        auto collection = service.writable_collection(m_options.collection);
        if (!collection && collection.error().code == cred::Errc::keychain_locked) {
            return fail(std::move(collection).error());
        }
        return {};
    }

    std::string alias() const {
        return m_options.collection.empty() ? "default" : m_options.collection;
    }

    // Connects on first use; one connection serves every later call.
    cred::Result<ss::Service*> open() {
        if (!m_service) {
            auto service = ss::Service::open(m_options.call_timeout, true);
            if (!service) return fail(std::move(service).error());
            m_service.emplace(std::move(service).value());
        }
        return &*m_service;
    }

    SecretServiceOptions m_options;
    std::optional<ss::Service> m_service;
};

}  // namespace

bool secret_service_available(const SecretServiceOptions& options) {
    return ss::Service::available(options.call_timeout);
}

std::unique_ptr<cred::CredentialStore> make_secret_service_store(
    const SecretServiceOptions& options) {
    return std::make_unique<SecretServiceStore>(options);
}

std::unique_ptr<cred::CredentialStore> make_secret_service_store_if_available(
    const SecretServiceOptions& options) {
    auto service = ss::Service::open_if_available(options.call_timeout);
    if (!service) return nullptr;
    return std::make_unique<SecretServiceStore>(options, std::move(*service));
}

}  // namespace pat::platform
