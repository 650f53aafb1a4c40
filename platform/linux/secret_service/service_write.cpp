// The write paths: choosing the collection, creating and deleting items.
// None of them ever opens a prompt: a call that would need one (a locked
// collection or item) is reported as keychain_locked instead.
#include "errors.hpp"
#include "message_args.hpp"
#include "service.hpp"
#include "service_names.hpp"

namespace pat::platform::ss {
cred::Result<std::string> Service::writable_collection(const std::string& alias) {
    const std::string name = alias.empty() ? "default" : alias;
    auto reply = call_one(
        provider_call(
            k_service_path, k_service_interface, "ReadAlias",
            [&name](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); },
            "o"),
        Stage::collection);
    if (!reply) return fail(std::move(reply).error());
    std::string path = read_string(reply.value().get(), 'o');
    // No "default" alias (fresh gnome-keyring profile, some KeePassXC setups):
    // fall back to the login collection if it exists; never create one, that
    // would prompt for a password.
    if (path == k_no_prompt) {
        if (!alias.empty()) return fail(no_default_collection());
        path = k_login_collection;
    }
    auto locked = call_one(collection_locked_call(path), Stage::collection);
    if (!locked) return fail(std::move(locked).error());
    const auto is_locked = boolean_from_property(locked.value().get());
    if (!is_locked) {
        return fail(cred::Error{cred::Errc::backend,
                                "Secret Service error: the collection's Locked property is not a "
                                "boolean"});
    }
    if (*is_locked) return fail(keychain_locked());
    return path;
}

cred::Result<std::string> Service::create_item(const std::string& collection,
                                               const std::string& label,
                                               const Attributes& attributes, const Secret& secret) {
    if (auto session = ensure_session(); !session) return fail(std::move(session).error());
    // CreateItem(a{sv} properties, (oayays) secret, b replace)
    auto arguments = [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0) r = sd_bus_message_append(m, "{sv}", k_item_label, "s", label.c_str());
        if (r >= 0) r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0) r = sd_bus_message_append(m, "s", k_item_attributes);
        if (r >= 0) r = sd_bus_message_open_container(m, 'v', "a{ss}");
        if (r >= 0) r = append_attributes(m, attributes);
        for (int level = 0; level < 3 && r >= 0; ++level) r = sd_bus_message_close_container(m);
        if (r >= 0) r = append_plain_secret(m, m_session, secret);
        return r < 0 ? r : sd_bus_message_append(m, "b", 1);
    };
    auto reply =
        call_one(provider_call(collection, k_collection_interface, "CreateItem", arguments, "oo"));
    if (!reply) return fail(std::move(reply).error());
    const std::string item = read_string(reply.value().get(), 'o');
    if (read_string(reply.value().get(), 'o') != k_no_prompt) return fail(keychain_locked());
    return item;
}

cred::Result<void> Service::delete_items(const std::vector<std::string>& paths) {
    std::vector<MethodCall> calls;
    calls.reserve(paths.size());
    for (const auto& path : paths) {
        calls.push_back(provider_call(path, k_item_interface, "Delete", nullptr, "o"));
    }
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
    for (const Reply& reply : replies) {
        if (!reply) {
            if (is_missing_object(reply.error())) continue;  // already deleted: fine
            return fail(map(reply.error()));
        }
        if (read_string(reply.value().get(), 'o') != k_no_prompt) return fail(keychain_locked());
    }
    return {};
}

}  // namespace pat::platform::ss
