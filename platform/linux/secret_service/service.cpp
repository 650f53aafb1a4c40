// Connecting, finding the provider, the session and the read paths.
#include "service.hpp"

#include <algorithm>

#include "errors.hpp"
#include "message_args.hpp"
#include "sdbus_loader.hpp"
#include "service_names.hpp"

namespace pat::platform::ss {
namespace {

MethodCall bus_call(const char* method, AppendArguments arguments, const char* reply_type) {
    return {k_bus_name, k_bus_path, k_bus_interface, method, std::move(arguments), reply_type};
}

bool has_no_owner(const DbusError& error) {
    return is_reply(error, "org.freedesktop.DBus.Error.NameHasNoOwner");
}

MethodCall get_name_owner() {
    return bus_call(
        "GetNameOwner",
        [](sd_bus_message* m) { return sd_bus_message_append(m, "s", k_secrets_name); }, "s");
}

// Whether `bus` has an owner for, or can activate, org.freedesktop.secrets.
bool has_provider(DbusClient& bus) {
    std::vector<MethodCall> calls;
    calls.push_back(get_name_owner());
    calls.push_back(bus_call("ListActivatableNames", nullptr, "as"));
    std::vector<Reply> replies = bus.call_all(calls);
    if (replies[0]) return true;
    if (!replies[1]) return false;
    const auto names = read_strings(replies[1].value().get());
    return std::find(names.begin(), names.end(), k_secrets_name) != names.end();
}

}  // namespace

Service::Service(std::unique_ptr<DbusClient> bus, bool activate)
    : m_bus(std::move(bus)), m_activate(activate) {}

cred::Result<Service> Service::open(std::chrono::milliseconds timeout, bool activate) {
    if (const auto& why = sdbus_load_error()) return fail(cred::Error{cred::Errc::backend, *why});
    auto bus = DbusClient::connect(timeout);
    if (!bus) return fail(std::move(bus).error());
    return Service(std::move(bus).value(), activate);
}

bool Service::available(std::chrono::milliseconds timeout) {
    if (sdbus_load_error()) return false;
    auto bus = DbusClient::connect(timeout);
    return bus && has_provider(*bus.value());
}

std::optional<Service> Service::open_if_available(std::chrono::milliseconds timeout) {
    if (sdbus_load_error()) return std::nullopt;
    auto bus = DbusClient::connect(timeout);
    if (!bus || !has_provider(*bus.value())) return std::nullopt;
    return Service(std::move(bus).value(), true);
}

cred::Result<std::vector<Reply>> Service::run(std::vector<MethodCall> calls) {
    const auto deadline = std::chrono::steady_clock::now() + m_bus->timeout();
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
            if (!replies[i] && is_caller_not_registered_yet(replies[i].error())) again.push_back(i);
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
    if (const DbusError* error = m_bus->connect_error()) {
        return fail(map_error(*error, Stage::connect, m_bus->timeout()));
    }
    if (!resolve) return replies;
    Reply owner = std::move(replies.front());
    replies.erase(replies.begin());
    if (owner) {
        m_owner = read_string(owner.value().get());
        return replies;
    }
    if (!m_activate || !has_no_owner(owner.error())) {
        return fail(map_error(owner.error(), Stage::find_provider, m_bus->timeout()));
    }
    // Nobody owns org.freedesktop.secrets: start the activatable provider
    // (bounded by the deadline, unlike dbus-daemon's own 25 s), then resend.
    Reply started = m_bus->call(bus_call(
        "StartServiceByName",
        [](sd_bus_message* m) { return sd_bus_message_append(m, "su", k_secrets_name, 0U); }, "u"));
    if (!started) return fail(map_error(started.error(), Stage::find_provider, m_bus->timeout()));
    owner = m_bus->call(get_name_owner());
    if (!owner) return fail(map_error(owner.error(), Stage::find_provider, m_bus->timeout()));
    m_owner = read_string(owner.value().get());
    for (MethodCall& call : calls) call.destination = m_owner;
    return m_bus->call_all(calls);
}

cred::Result<MessagePtr> Service::call_one(MethodCall call, Stage stage) {
    std::vector<MethodCall> calls;
    calls.push_back(std::move(call));
    auto replies = run(std::move(calls));
    if (!replies) return fail(std::move(replies).error());
    Reply& reply = replies.value().front();
    if (!reply) return fail(map(reply.error(), stage));
    return std::move(reply).value();
}

MethodCall Service::provider_call(std::string path, const char* interface, const char* method,
                                  AppendArguments arguments, const char* reply_type) const {
    // Before the first batch resolved the owner, the well-known name (with
    // NO_AUTO_START, so a missing provider is an error, not an activation).
    return {m_owner.empty() ? k_secrets_name : m_owner,
            std::move(path),
            interface,
            method,
            std::move(arguments),
            reply_type};
}

cred::Error Service::map(const DbusError& error, Stage stage) const {
    return map_error(error, stage, m_bus->timeout());
}

MethodCall Service::open_session_call() const {
    // "plain": the secret travels unencrypted over the private session-bus
    // socket; why that is acceptable is in docs/secret-service.md.
    return provider_call(
        k_service_path, k_service_interface, "OpenSession",
        [](sd_bus_message* m) { return sd_bus_message_append(m, "sv", "plain", "s", ""); }, "vo");
}

cred::Result<void> Service::ensure_session() {
    if (!m_session.empty()) return {};
    auto reply = call_one(open_session_call());
    if (!reply) return fail(std::move(reply).error());
    m_session = session_path(reply.value().get());
    return {};
}

cred::Result<SearchResult> Service::search(const Attributes& attributes, bool open_session,
                                           const std::string& probe_alias) {
    std::vector<MethodCall> calls;
    calls.push_back(provider_call(
        k_service_path, k_service_interface, "SearchItems",
        [&attributes](sd_bus_message* m) { return append_attributes(m, attributes); }, "aoao"));
    // A get will need the session on a hit: open it in the same round trip.
    const bool opening = open_session && m_session.empty();
    if (opening) calls.push_back(open_session_call());
    // gnome-keyring (and libsecret) know /aliases/<name> as an object: reading
    // its Locked property here saves two round trips on a miss.
    if (!probe_alias.empty()) {
        calls.push_back(collection_locked_call(std::string(k_alias_prefix) + probe_alias));
    }
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
    if (!replies[0]) return fail(map(replies[0].error()));
    if (opening) {
        if (!replies[1]) return fail(map(replies[1].error()));
        m_session = session_path(replies[1].value().get());
    }
    sd_bus_message* found = replies[0].value().get();
    auto unlocked = read_object_paths(found);
    SearchResult result{std::move(unlocked), read_object_paths(found), std::nullopt};
    if (!probe_alias.empty() && replies.back()) {
        result.alias_locked = boolean_from_property(replies.back().value().get());
    }
    return result;
}

MethodCall Service::collection_locked_call(std::string path) const {
    return provider_call(
        std::move(path), k_properties_interface, "Get",
        [](sd_bus_message* m) {
            return sd_bus_message_append(m, "ss", k_collection_interface, "Locked");
        },
        "v");
}

MethodCall Service::property_call(const std::string& path, const char* name) const {
    return provider_call(
        path, k_properties_interface, "Get",
        [name](sd_bus_message* m) {
            return sd_bus_message_append(m, "ss", k_item_interface, name);
        },
        "v");
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
            if (is_missing_object(replies[i].error())) continue;  // deleted meanwhile
            return fail(map(replies[i].error()));
        }
        infos.push_back(
            ItemInfo{paths[i], attributes_from_property(replies[i].value().get()), 0, 0});
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
                if (is_missing_object(replies[j].error())) continue;
                return fail(map(replies[j].error()));
            }
            (j % 2 == 0 ? infos[i]->created : infos[i]->modified) =
                uint64_from_property(replies[j].value().get());
        }
    }
    return {};
}

cred::Result<std::vector<std::pair<ItemInfo, Secret>>> Service::load_items(
    const std::vector<std::string>& paths) {
    if (paths.empty()) return std::vector<std::pair<ItemInfo, Secret>>{};
    if (auto session = ensure_session(); !session) return fail(std::move(session).error());
    // One round trip: GetSecrets for all paths plus the attributes of each.
    std::vector<MethodCall> calls;
    calls.reserve(paths.size() + 1);
    calls.push_back(provider_call(
        k_service_path, k_service_interface, "GetSecrets",
        [&paths, this](sd_bus_message* m) {
            const int r = append_object_paths(m, paths);
            return r < 0 ? r : sd_bus_message_append(m, "o", m_session.c_str());
        },
        "a{o(oayays)}"));
    for (const auto& path : paths) calls.push_back(property_call(path, "Attributes"));
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
    if (!replies[0]) return fail(map(replies[0].error()));
    auto secrets = secrets_by_path(replies[0].value().get());
    std::vector<std::pair<ItemInfo, Secret>> items;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const Reply& reply = replies[i + 1];
        if (!reply) {
            if (is_missing_object(reply.error())) continue;
            return fail(map(reply.error()));
        }
        auto secret = secrets.find(paths[i]);
        if (secret == secrets.end()) continue;  // deleted or locked in between
        items.emplace_back(ItemInfo{paths[i], attributes_from_property(reply.value().get()), 0, 0},
                           std::move(secret->second));
    }
    return items;
}

}  // namespace pat::platform::ss
