#include "variants.hpp"

namespace pat::platform::ss {

GVariant* attributes_to_variant(const Attributes& attributes) {
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
    for (const auto& [name, value] : attributes) {
        g_variant_builder_add(&builder, "{ss}", name.c_str(), value.c_str());
    }
    return g_variant_builder_end(&builder);
}

Attributes attributes_from_variant(GVariant* dict) {
    Attributes attributes;
    GVariantIter iter;
    g_variant_iter_init(&iter, dict);
    const gchar* name = nullptr;
    const gchar* value = nullptr;
    while (g_variant_iter_next(&iter, "{&s&s}", &name, &value)) attributes.emplace(name, value);
    return attributes;
}

std::vector<std::string> object_paths(GVariant* array) {
    std::vector<std::string> paths;
    paths.reserve(g_variant_n_children(array));
    GVariantIter iter;
    g_variant_iter_init(&iter, array);
    const gchar* path = nullptr;
    while (g_variant_iter_next(&iter, "&o", &path)) paths.emplace_back(path);
    return paths;
}

namespace {

VariantPtr unbox(const VariantPtr& reply) {
    VariantPtr boxed(g_variant_get_child_value(reply.get(), 0));
    return VariantPtr(g_variant_get_variant(boxed.get()));
}

}  // namespace

Attributes attributes_from_property(const VariantPtr& reply) {
    VariantPtr value = unbox(reply);
    if (!g_variant_is_of_type(value.get(), G_VARIANT_TYPE("a{ss}"))) return {};
    return attributes_from_variant(value.get());
}

std::uint64_t uint64_from_property(const VariantPtr& reply) {
    VariantPtr value = unbox(reply);
    if (!g_variant_is_of_type(value.get(), G_VARIANT_TYPE_UINT64)) return 0;
    return g_variant_get_uint64(value.get());
}

std::optional<bool> boolean_from_property(const VariantPtr& reply) {
    VariantPtr value = unbox(reply);
    if (!g_variant_is_of_type(value.get(), G_VARIANT_TYPE_BOOLEAN)) return std::nullopt;
    return g_variant_get_boolean(value.get()) != FALSE;
}

std::string session_path(const VariantPtr& reply) {
    VariantPtr path(g_variant_get_child_value(reply.get(), 1));
    return g_variant_get_string(path.get(), nullptr);
}

GVariant* plain_secret_struct(const std::string& session, const Secret& secret) {
    const std::string_view bytes = secret.reveal();
    GVariant* value = g_variant_new_from_data(G_VARIANT_TYPE_BYTESTRING, bytes.data(), bytes.size(),
                                              TRUE, nullptr, nullptr);
    GVariant* parameters =
        g_variant_new_from_data(G_VARIANT_TYPE_BYTESTRING, nullptr, 0, TRUE, nullptr, nullptr);
    return g_variant_new("(o@ay@ays)", session.c_str(), parameters, value, "text/plain");
}

Secret secret_from_struct(GVariant* secret_struct) {
    VariantPtr value(g_variant_get_child_value(secret_struct, 2));
    gsize size = 0;
    const void* data = g_variant_get_fixed_array(value.get(), &size, 1);
    return Secret::copy_of(std::string_view(static_cast<const char*>(data), size));
}

}  // namespace pat::platform::ss
