#pragma once
// D-Bus names of the message bus and of the Secret Service API
// (https://specifications.freedesktop.org/secret-service-spec/).

namespace pat::platform::ss {

inline constexpr const char* k_bus_name = "org.freedesktop.DBus";
inline constexpr const char* k_bus_path = "/org/freedesktop/DBus";
inline constexpr const char* k_bus_interface = "org.freedesktop.DBus";
inline constexpr const char* k_properties_interface = "org.freedesktop.DBus.Properties";

inline constexpr const char* k_secrets_name = "org.freedesktop.secrets";
inline constexpr const char* k_service_path = "/org/freedesktop/secrets";
inline constexpr const char* k_service_interface = "org.freedesktop.Secret.Service";
inline constexpr const char* k_collection_interface = "org.freedesktop.Secret.Collection";
inline constexpr const char* k_item_interface = "org.freedesktop.Secret.Item";
inline constexpr const char* k_item_label = "org.freedesktop.Secret.Item.Label";
inline constexpr const char* k_item_attributes = "org.freedesktop.Secret.Item.Attributes";
// Object path prefix of a collection alias, e.g. ".../aliases/default".
inline constexpr const char* k_alias_prefix = "/org/freedesktop/secrets/aliases/";
// The collection used when the "default" alias is missing (gnome-keyring's
// usual default; a fresh profile may have neither).
inline constexpr const char* k_login_collection = "/org/freedesktop/secrets/collection/login";
// "No prompt needed" in the replies of CreateItem, Delete, Unlock.
inline constexpr const char* k_no_prompt = "/";

}  // namespace pat::platform::ss
