// The write paths: choosing the collection, creating and deleting items.
// None of them ever opens a prompt: a call that would need one (a locked
// collection or item) is reported as keychain_locked instead.
#include "errors.hpp"
#include "service.hpp"
#include "service_names.hpp"
#include "variants.hpp"

namespace pat::platform::ss {
namespace {

std::string object_path_child(const VariantPtr& tuple, gsize index) {
    const gchar* path = nullptr;
    VariantPtr child(g_variant_get_child_value(tuple.get(), index));
    path = g_variant_get_string(child.get(), nullptr);
    return path;
}

}  // namespace

cred::Result<std::string> Service::writable_collection(const std::string& alias) {
    const std::string name = alias.empty() ? "default" : alias;
    auto reply = call_one(provider_call(k_service_path, k_service_interface, "ReadAlias",
                                        g_variant_new("(s)", name.c_str()), "(o)"),
                          Stage::collection);
    if (!reply) return fail(std::move(reply).error());
    std::string path = object_path_child(reply.value(), 0);
    // No "default" alias (fresh gnome-keyring profile, some KeePassXC setups):
    // fall back to the login collection if it exists; never create one, that
    // would prompt for a password.
    if (path == k_no_prompt) {
        if (!alias.empty()) return fail(no_default_collection());
        path = k_login_collection;
    }
    auto locked =
        call_one(provider_call(path, k_properties_interface, "Get",
                               g_variant_new("(ss)", k_collection_interface, "Locked"), "(v)"),
                 Stage::collection);
    if (!locked) return fail(std::move(locked).error());
    const auto is_locked = boolean_from_property(locked.value());
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
    GVariantBuilder properties;
    g_variant_builder_init(&properties, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&properties, "{sv}", k_item_label, g_variant_new_string(label.c_str()));
    g_variant_builder_add(&properties, "{sv}", k_item_attributes,
                          attributes_to_variant(attributes));
    GVariant* parameters = g_variant_new("(@a{sv}@(oayays)b)", g_variant_builder_end(&properties),
                                         plain_secret_struct(m_session, secret), TRUE);
    auto reply = call_one(
        provider_call(collection, k_collection_interface, "CreateItem", parameters, "(oo)"));
    if (!reply) return fail(std::move(reply).error());
    if (object_path_child(reply.value(), 1) != k_no_prompt) return fail(keychain_locked());
    return object_path_child(reply.value(), 0);
}

cred::Result<void> Service::delete_items(const std::vector<std::string>& paths) {
    std::vector<MethodCall> calls;
    calls.reserve(paths.size());
    for (const auto& path : paths) {
        calls.push_back(provider_call(path, k_item_interface, "Delete", nullptr, "(o)"));
    }
    auto ran = run(std::move(calls));
    if (!ran) return fail(std::move(ran).error());
    std::vector<Reply>& replies = ran.value();
    for (const Reply& reply : replies) {
        if (!reply) {
            if (is_missing_object(*reply.error())) continue;  // already deleted: fine
            return fail(map(*reply.error()));
        }
        if (object_path_child(reply.value(), 0) != k_no_prompt) return fail(keychain_locked());
    }
    return {};
}

}  // namespace pat::platform::ss
