// Connecting, finding the provider, the session and the read paths.
#include "service.hpp"

#include <algorithm>

#include "errors.hpp"
#include "service_names.hpp"
#include "variants.hpp"

namespace pat::platform::ss {
namespace {

MethodCall bus_call(const char* method, GVariant* parameters, const char* reply_type) {
    return {k_bus_name, k_bus_path, k_bus_interface, method, parameters, reply_type};
}

bool has_no_owner(const ErrorPtr& error) {
    return g_error_matches(error.get(), G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

// The unique name owning org.freedesktop.secrets; with `activate`, starts an
// activatable provider first when there is none (bounded by the call deadline).
cred::Result<std::string> find_owner(DbusClient& bus, bool activate) {
    Reply owner = bus.call(bus_call("GetNameOwner", g_variant_new("(s)", k_secrets_name), "(s)"));
    if (!owner && activate && has_no_owner(owner.error())) {
        Reply started = bus.call(
            bus_call("StartServiceByName", g_variant_new("(su)", k_secrets_name, 0U), "(u)"));
        if (!started) {
            return fail(map_gerror(*started.error(), Stage::find_provider, bus.timeout()));
        }
        owner = bus.call(bus_call("GetNameOwner", g_variant_new("(s)", k_secrets_name), "(s)"));
    }
    if (!owner) return fail(map_gerror(*owner.error(), Stage::find_provider, bus.timeout()));
    const gchar* name = nullptr;
    g_variant_get(owner.value().get(), "(&s)", &name);
    return std::string(name);
}

}  // namespace

Service::Service(std::unique_ptr<DbusClient> bus, std::string owner)
    : m_bus(std::move(bus)), m_owner(std::move(owner)) {}

cred::Result<Service> Service::open(std::chrono::milliseconds timeout, bool activate) {
    secret_error_quark();  // register the Secret error names before any reply arrives
    auto bus = DbusClient::connect(timeout);
    if (!bus) return fail(std::move(bus).error());
    auto owner = find_owner(*bus.value(), activate);
    if (!owner) return fail(std::move(owner).error());
    return Service(std::move(bus).value(), std::move(owner).value());
}

bool Service::available(std::chrono::milliseconds timeout) {
    auto bus = DbusClient::connect(timeout);
    if (!bus) return false;
    if (find_owner(*bus.value(), false)) return true;
    Reply names = bus.value()->call(bus_call("ListActivatableNames", nullptr, "(as)"));
    if (!names) return false;
    VariantPtr list(g_variant_get_child_value(names.value().get(), 0));
    GVariantIter iter;
    g_variant_iter_init(&iter, list.get());
    const gchar* name = nullptr;
    while (g_variant_iter_next(&iter, "&s", &name)) {
        if (std::string_view(name) == k_secrets_name) return true;
    }
    return false;
}

MethodCall Service::provider_call(std::string path, const char* interface, const char* method,
                                  GVariant* parameters, const char* reply_type) const {
    return {m_owner, std::move(path), interface, method, parameters, reply_type};
}

cred::Error Service::map(const GError& error, Stage stage) const {
    return map_gerror(error, stage, m_bus->timeout());
}

MethodCall Service::open_session_call() const {
    // "plain": the secret travels unencrypted over the private session-bus
    // socket; why that is acceptable is in docs/secret-service.md.
    return provider_call(k_service_path, k_service_interface, "OpenSession",
                         g_variant_new("(sv)", "plain", g_variant_new_string("")), "(vo)");
}

cred::Result<void> Service::ensure_session() {
    if (!m_session.empty()) return {};
    Reply reply = m_bus->call(open_session_call());
    if (!reply) return fail(map(*reply.error()));
    m_session = session_path(reply.value());
    return {};
}

cred::Result<SearchResult> Service::search(const Attributes& attributes, bool open_session) {
    std::vector<MethodCall> calls;
    calls.push_back(provider_call(k_service_path, k_service_interface, "SearchItems",
                                  g_variant_new("(@a{ss})", attributes_to_variant(attributes)),
                                  "(aoao)"));
    // A get will need the session on a hit: open it in the same round trip.
    if (open_session && m_session.empty()) calls.push_back(open_session_call());
    std::vector<Reply> replies = m_bus->call_all(std::move(calls));
    if (!replies[0]) return fail(map(*replies[0].error()));
    if (replies.size() > 1) {
        if (!replies[1]) return fail(map(*replies[1].error()));
        m_session = session_path(replies[1].value());
    }
    VariantPtr unlocked(g_variant_get_child_value(replies[0].value().get(), 0));
    VariantPtr locked(g_variant_get_child_value(replies[0].value().get(), 1));
    return SearchResult{object_paths(unlocked.get()), object_paths(locked.get())};
}

MethodCall Service::property_call(const std::string& path, const char* name) const {
    return provider_call(path, k_properties_interface, "Get",
                         g_variant_new("(ss)", k_item_interface, name), "(v)");
}

// Only the Attributes property: gnome-keyring answers each property Get in
// about 0.2 ms of its own CPU, so GetAll (6 properties) would make a list of
// 1000 items six times slower. Timestamps are fetched only to break ties.
cred::Result<std::vector<ItemInfo>> Service::item_infos(const std::vector<std::string>& paths) {
    std::vector<MethodCall> calls;
    calls.reserve(paths.size());
    for (const auto& path : paths) calls.push_back(property_call(path, "Attributes"));
    std::vector<Reply> replies = m_bus->call_all(std::move(calls));
    std::vector<ItemInfo> infos;
    infos.reserve(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (!replies[i]) {
            if (is_missing_object(*replies[i].error())) continue;  // deleted meanwhile
            return fail(map(*replies[i].error()));
        }
        infos.push_back(ItemInfo{paths[i], attributes_from_property(replies[i].value()), 0, 0});
    }
    return infos;
}

cred::Result<void> Service::load_times(const std::vector<ItemInfo*>& infos) {
    std::vector<MethodCall> calls;
    calls.reserve(2 * infos.size());
    for (const ItemInfo* info : infos) {
        calls.push_back(property_call(info->path, "Created"));
        calls.push_back(property_call(info->path, "Modified"));
    }
    std::vector<Reply> replies = m_bus->call_all(std::move(calls));
    for (std::size_t i = 0; i < infos.size(); ++i) {
        for (std::size_t j : {2 * i, 2 * i + 1}) {
            if (!replies[j]) {
                if (is_missing_object(*replies[j].error())) continue;
                return fail(map(*replies[j].error()));
            }
            (j % 2 == 0 ? infos[i]->created : infos[i]->modified) =
                uint64_from_property(replies[j].value());
        }
    }
    return {};
}

cred::Result<std::vector<std::pair<ItemInfo, Secret>>> Service::load_items(
    const std::vector<std::string>& paths) {
    if (paths.empty()) return std::vector<std::pair<ItemInfo, Secret>>{};
    if (auto session = ensure_session(); !session) return fail(std::move(session).error());
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE("ao"));
    for (const auto& path : paths) g_variant_builder_add(&builder, "o", path.c_str());
    // One round trip: GetSecrets for all paths plus the attributes of each.
    std::vector<MethodCall> calls;
    calls.reserve(paths.size() + 1);
    calls.push_back(
        provider_call(k_service_path, k_service_interface, "GetSecrets",
                      g_variant_new("(@aoo)", g_variant_builder_end(&builder), m_session.c_str()),
                      "(a{o(oayays)})"));
    for (const auto& path : paths) calls.push_back(property_call(path, "Attributes"));
    std::vector<Reply> replies = m_bus->call_all(std::move(calls));
    if (!replies[0]) return fail(map(*replies[0].error()));
    VariantPtr secrets(g_variant_get_child_value(replies[0].value().get(), 0));
    std::vector<std::pair<ItemInfo, Secret>> items;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const Reply& reply = replies[i + 1];
        if (!reply) {
            if (is_missing_object(*reply.error())) continue;
            return fail(map(*reply.error()));
        }
        VariantPtr secret(
            g_variant_lookup_value(secrets.get(), paths[i].c_str(), G_VARIANT_TYPE("(oayays)")));
        if (!secret) continue;  // deleted or locked in between
        items.emplace_back(ItemInfo{paths[i], attributes_from_property(reply.value()), 0, 0},
                           secret_from_struct(secret.get()));
    }
    return items;
}

}  // namespace pat::platform::ss
