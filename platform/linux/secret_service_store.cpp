// The Secret Service CredentialStore: upstream docker-credential-secretservice
// items (schema io.docker.Credentials), read and written over a direct GDBus
// client (secret_service/). Behaviour and reasoning: docs/secret-service.md.
#include "secret_service_store.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/log.hpp"
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

// The attributes that identify every item for one key, as libsecret matches
// them for upstream's schema (it adds xdg:schema itself).
Attributes key_attributes(std::string_view server) {
    return {{"xdg:schema", k_schema}, {"server", std::string(server)}, {"docker_cli", "1"}};
}

std::string attribute(const ItemInfo& info, const char* name) {
    auto it = info.attributes.find(name);
    return it == info.attributes.end() ? std::string() : it->second;
}

// When upstream left several items for one key (one per username), the most
// recently modified wins, deterministically; ours keeps only one.
bool newer(const ItemInfo& a, const ItemInfo& b) {
    return std::tie(a.modified, a.created, a.path) > std::tie(b.modified, b.created, b.path);
}

class SecretServiceStore final : public cred::CredentialStore {
  public:
    explicit SecretServiceStore(SecretServiceOptions options) : m_options(std::move(options)) {}

    cred::Result<void> add(const cred::Credentials& credentials) override {
        auto service = open();
        if (!service) return fail(std::move(service).error());
        ss::Service& s = *service.value();
        auto collection = s.writable_collection(m_options.collection);
        if (!collection) return fail(std::move(collection).error());
        Attributes attributes = key_attributes(credentials.server_url);
        attributes.emplace("label", k_creds_label);
        attributes.emplace("username", credentials.username);
        const std::string label = std::string(k_display_label_prefix) + credentials.server_url;
        // Create (or replace in place, same attributes) first, then remove the
        // others: a failure at any point leaves a working credential behind.
        auto item = s.create_item(collection.value(), label, attributes, credentials.secret);
        if (!item) return fail(std::move(item).error());
        auto found = s.search(key_attributes(credentials.server_url));
        if (!found) return fail(std::move(found).error());
        std::vector<std::string> others;
        for (auto& path : found.value().unlocked) {
            if (path != item.value()) others.push_back(std::move(path));
        }
        if (!found.value().locked.empty()) {
            log::warn("stored; older items for this server in a locked keyring were left alone");
        }
        if (auto erased = s.delete_items(others); !erased) {
            cred::Error error = std::move(erased).error();
            error.message =
                "stored, but an older item for this server was not removed: " + error.message;
            return fail(std::move(error));
        }
        return {};
    }

    cred::Result<cred::Credentials> get(std::string_view server_url) override {
        auto service = open();
        if (!service) return fail(std::move(service).error());
        auto found = service.value()->search(key_attributes(server_url));
        if (!found) return fail(std::move(found).error());
        auto items = service.value()->load_items(found.value().unlocked);
        if (!items) return fail(std::move(items).error());
        auto& loaded = items.value();
        if (loaded.empty()) {
            // Never "not found" for a credential we merely cannot read.
            if (!found.value().locked.empty()) return fail(ss::keychain_locked());
            return fail(cred::not_found());
        }
        auto best =
            std::max_element(loaded.begin(), loaded.end(),
                             [](const auto& a, const auto& b) { return newer(b.first, a.first); });
        return cred::Credentials{std::string(server_url), attribute(best->first, "username"),
                                 std::move(best->second)};
    }

    cred::Result<void> erase(std::string_view server_url) override {
        auto service = open();
        if (!service) return fail(std::move(service).error());
        auto found = service.value()->search(key_attributes(server_url));
        if (!found) return fail(std::move(found).error());
        if (!found.value().locked.empty()) return fail(ss::keychain_locked());
        return service.value()->delete_items(found.value().unlocked);
    }

    cred::Result<std::map<std::string, std::string>> list() override {
        auto service = open();
        if (!service) return fail(std::move(service).error());
        auto found = service.value()->search({{"xdg:schema", k_schema}, {"docker_cli", "1"}});
        if (!found) return fail(std::move(found).error());
        // A partial list would make docker drop the missing credentials silently.
        if (!found.value().locked.empty()) return fail(ss::keychain_locked());
        auto infos = service.value()->item_infos(found.value().unlocked);
        if (!infos) return fail(std::move(infos).error());
        std::map<std::string, const ItemInfo*> newest;
        for (const ItemInfo& info : infos.value()) {
            auto server = info.attributes.find("server");
            if (server == info.attributes.end()) continue;
            auto [it, inserted] = newest.emplace(server->second, &info);
            if (!inserted && newer(info, *it->second)) it->second = &info;
        }
        std::map<std::string, std::string> result;
        for (const auto& [server, info] : newest)
            result.emplace(server, attribute(*info, "username"));
        return result;
    }

  private:
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

}  // namespace pat::platform
