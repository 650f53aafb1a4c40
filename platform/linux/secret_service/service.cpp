// Connecting, finding the provider, the session and the read paths.
#include "service.hpp"

#include <algorithm>

#include "errors.hpp"
#include "glib_loader.hpp"
#include "service_names.hpp"
#include "variants.hpp"

namespace pat::platform::ss {
namespace {

MethodCall bus_call(const char* method, GVariant* parameters, const char* reply_type) {
    return {k_bus_name, k_bus_path, k_bus_interface, method, parameters, reply_type};
}

bool has_no_owner(const GError& error) {
    return g_error_matches(&error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

MethodCall get_name_owner() {
    return bus_call("GetNameOwner", g_variant_new("(s)", k_secrets_name), "(s)");
}

std::string string_child(const VariantPtr& tuple) {
    const gchar* text = nullptr;
    g_variant_get_child(tuple.get(), 0, "&s", &text);
    return text;
}

// Whether `bus` has an owner for, or can activate, org.freedesktop.secrets.
bool has_provider(DbusClient& bus) {
    std::vector<MethodCall> calls;
    calls.push_back(get_name_owner());
    calls.push_back(bus_call("ListActivatableNames", nullptr, "(as)"));
    std::vector<Reply> replies = bus.call_all(calls);
    if (replies[0]) return true;
    if (!replies[1]) return false;
    VariantPtr names(g_variant_get_child_value(replies[1].value().get(), 0));
    GVariantIter iter;
    g_variant_iter_init(&iter, names.get());
    const gchar* name = nullptr;
    while (g_variant_iter_next(&iter, "&s", &name)) {
        if (std::string_view(name) == k_secrets_name) return true;
    }
    return false;
}

}  // namespace

Service::Service(std::unique_ptr<DbusClient> bus, bool activate)
    : m_bus(std::move(bus)), m_activate(activate) {}

cred::Result<Service> Service::open(std::chrono::milliseconds timeout, bool activate) {
    if (const auto& why = glib_load_error()) return fail(cred::Error{cred::Errc::backend, *why});
    secret_error_quark();  // register the Secret error names before any reply arrives
    auto bus = DbusClient::connect(timeout);
    if (!bus) return fail(std::move(bus).error());
    return Service(std::move(bus).value(), activate);
}

bool Service::available(std::chrono::milliseconds timeout) {
    if (glib_load_error()) return false;
    auto bus = DbusClient::connect(timeout);
    return bus && has_provider(*bus.value());
}

std::optional<Service> Service::open_if_available(std::chrono::milliseconds timeout) {
    if (glib_load_error()) return std::nullopt;
    secret_error_quark();  // as in open()
    auto bus = DbusClient::connect(timeout);
    if (!bus || !has_provider(*bus.value())) return std::nullopt;
    return Service(std::move(bus).value(), true);
}

cred::Result<std::vector<Reply>> Service::run(std::vector<MethodCall> calls) {
    const auto deadline = std::chrono::steady_clock::now() + m_bus->timeout();
    // Own the parameters, so that calls can be sent again (after activation,
    // or below).
    std::vector<VariantPtr> parameters;
    for (MethodCall& call : calls) {
        if (call.parameters != nullptr)
            parameters.emplace_back(g_variant_ref_sink(call.parameters));
    }
    auto replies = send(calls);
    if (!replies) return replies;
    resend_unregistered(calls, replies.value(), deadline);
    return replies;
}

// gnome-keyring registers a new connection as a client in an idle callback
// that races with the dispatch of that connection's first calls; a call that
// wins the race is answered "not implemented" without being carried out
// (docs/secret-service.md). Those calls, and only those, go again, a few times
// at most and within the batch's deadline: by then the client exists.
void Service::resend_unregistered(std::vector<MethodCall>& calls, std::vector<Reply>& replies,
                                  std::chrono::steady_clock::time_point deadline) {
    constexpr int k_max_resends = 3;
    for (int round = 0; round < k_max_resends; ++round) {
        std::vector<std::size_t> again;
        for (std::size_t i = 0; i < replies.size(); ++i) {
            if (!replies[i] && is_caller_not_registered_yet(*replies[i].error()))
                again.push_back(i);
        }
        if (again.empty() || std::chrono::steady_clock::now() >= deadline) return;
        std::vector<MethodCall> batch;
        for (std::size_t i : again) {
            if (!m_owner.empty()) calls[i].destination = m_owner;
            batch.push_back(calls[i]);
        }
        std::vector<Reply> answers = m_bus->call_all(batch, deadline);
        for (std::size_t k = 0; k < again.size(); ++k) replies[again[k]] = std::move(answers[k]);
    }
}

cred::Result<std::vector<Reply>> Service::send(std::vector<MethodCall>& calls) {
    const bool resolve = m_owner.empty();
    std::vector<MethodCall> batch;
    if (resolve) batch.push_back(get_name_owner());  // rides along with the first batch
    batch.insert(batch.end(), calls.begin(), calls.end());
    std::vector<Reply> replies = m_bus->call_all(batch);
    if (const GError* error = m_bus->connect_error()) {
        return fail(map_gerror(*error, Stage::connect, m_bus->timeout()));
    }
    if (!resolve) return replies;
    Reply owner = std::move(replies.front());
    replies.erase(replies.begin());
    if (owner) {
        m_owner = string_child(owner.value());
        return replies;
    }
    if (!m_activate || !has_no_owner(*owner.error())) {
        return fail(map_gerror(*owner.error(), Stage::find_provider, m_bus->timeout()));
    }
    // Nobody owns org.freedesktop.secrets: start the activatable provider
    // (bounded by the deadline, unlike dbus-daemon's own 25 s), then resend.
    Reply started = m_bus->call(
        bus_call("StartServiceByName", g_variant_new("(su)", k_secrets_name, 0U), "(u)"));
    if (!started) return fail(map_gerror(*started.error(), Stage::find_provider, m_bus->timeout()));
    owner = m_bus->call(get_name_owner());
    if (!owner) return fail(map_gerror(*owner.error(), Stage::find_provider, m_bus->timeout()));
    m_owner = string_child(owner.value());
    for (MethodCall& call : calls) call.destination = m_owner;
    return m_bus->call_all(calls);
}

cred::Result<VariantPtr> Service::call_one(MethodCall call, Stage stage) {
    std::vector<MethodCall> calls;
    calls.push_back(std::move(call));
    auto replies = run(std::move(calls));
    if (!replies) return fail(std::move(replies).error());
    Reply& reply = replies.value().front();
    if (!reply) return fail(map(*reply.error(), stage));
    return std::move(reply).value();
}

MethodCall Service::provider_call(std::string path, const char* interface, const char* method,
                                  GVariant* parameters, const char* reply_type) const {
    // Before the first batch resolved the owner, the well-known name (with
    // NO_AUTO_START, so a missing provider is an error, not an activation).
    return {m_owner.empty() ? k_secrets_name : m_owner,
            std::move(path),
            interface,
            method,
            parameters,
            reply_type};
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
    auto reply = call_one(open_session_call());
    if (!reply) return fail(std::move(reply).error());
    m_session = session_path(reply.value());
    return {};
}

cred::Result<SearchResult> Service::search(const Attributes& attributes, bool open_session,
                                           const std::string& probe_alias) {
    std::vector<MethodCall> calls;
    calls.push_back(provider_call(k_service_path, k_service_interface, "SearchItems",
                                  g_variant_new("(@a{ss})", attributes_to_variant(attributes)),
                                  "(aoao)"));
    // A get will need the session on a hit: open it in the same round trip.
    const bool opening = open_session && m_session.empty();
    if (opening) calls.push_back(open_session_call());
    // gnome-keyring (and libsecret) know /aliases/<name> as an object: reading
    // its Locked property here saves two round trips on a miss.
    if (!probe_alias.empty()) {
        calls.push_back(
            provider_call(std::string(k_alias_prefix) + probe_alias, k_properties_interface, "Get",
                          g_variant_new("(ss)", k_collection_interface, "Locked"), "(v)"));
    }
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
    if (!replies[0]) return fail(map(*replies[0].error()));
    if (opening) {
        if (!replies[1]) return fail(map(*replies[1].error()));
        m_session = session_path(replies[1].value());
    }
    VariantPtr unlocked(g_variant_get_child_value(replies[0].value().get(), 0));
    VariantPtr locked(g_variant_get_child_value(replies[0].value().get(), 1));
    SearchResult result{object_paths(unlocked.get()), object_paths(locked.get()), std::nullopt};
    if (!probe_alias.empty() && replies.back()) {
        result.alias_locked = boolean_from_property(replies.back().value());
    }
    return result;
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
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
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
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
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
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
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
