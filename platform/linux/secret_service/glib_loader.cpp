// GIO loaded on first use (glib_loader.hpp). Each function below has GLib's
// own name and signature and calls the real one through a pointer resolved
// from libgio-2.0.so.0; the variadic ones go through GLib's own va_list
// forms, as GLib itself implements them.
#include "glib_loader.hpp"

#include <dlfcn.h>
#include <gio/gio.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace pat::platform::ss {
namespace {

// libglib2.0-0 ships GIO, GObject and GLib; resolving through GIO's handle
// also finds the symbols of the libraries it depends on.
constexpr const char* k_library = "libgio-2.0.so.0";

// Every GLib function the Secret Service client calls, va_list forms in
// place of the variadic ones.
#define PAT_GLIB_FUNCTIONS(X)             \
    X(g_dbus_address_escape_value)        \
    X(g_dbus_address_get_stream_sync)     \
    X(g_dbus_error_get_remote_error)      \
    X(g_dbus_error_quark)                 \
    X(g_dbus_error_register_error_domain) \
    X(g_dbus_message_bytes_needed)        \
    X(g_dbus_message_get_body)            \
    X(g_dbus_message_get_message_type)    \
    X(g_dbus_message_get_reply_serial)    \
    X(g_dbus_message_new_from_blob)       \
    X(g_dbus_message_new_method_call)     \
    X(g_dbus_message_set_body)            \
    X(g_dbus_message_set_flags)           \
    X(g_dbus_message_set_serial)          \
    X(g_dbus_message_to_blob)             \
    X(g_dbus_message_to_gerror)           \
    X(g_error_copy)                       \
    X(g_error_free)                       \
    X(g_error_matches)                    \
    X(g_error_new_literal)                \
    X(g_free)                             \
    X(g_io_error_quark)                   \
    X(g_object_unref)                     \
    X(g_quark_to_string)                  \
    X(g_socket_connection_get_socket)     \
    X(g_socket_connection_get_type)       \
    X(g_socket_get_fd)                    \
    X(g_type_check_instance_cast)         \
    X(g_type_check_instance_is_a)         \
    X(g_variant_builder_add_value)        \
    X(g_variant_builder_end)              \
    X(g_variant_builder_init)             \
    X(g_variant_get_boolean)              \
    X(g_variant_get_child_value)          \
    X(g_variant_get_fixed_array)          \
    X(g_variant_get_string)               \
    X(g_variant_get_type_string)          \
    X(g_variant_get_uint64)               \
    X(g_variant_get_va)                   \
    X(g_variant_get_variant)              \
    X(g_variant_is_of_type)               \
    X(g_variant_iter_init)                \
    X(g_variant_iter_next_value)          \
    X(g_variant_lookup_value)             \
    X(g_variant_n_children)               \
    X(g_variant_new_from_data)            \
    X(g_variant_new_string)               \
    X(g_variant_new_va)                   \
    X(g_variant_ref)                      \
    X(g_variant_ref_sink)                 \
    X(g_variant_type_checked_)            \
    X(g_variant_unref)

struct Api {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` is a member's name here
#define PAT_GLIB_SLOT(name) decltype(&::name) name = nullptr;
    PAT_GLIB_FUNCTIONS(PAT_GLIB_SLOT)
#undef PAT_GLIB_SLOT
};

struct Loaded {
    Api api;
    std::optional<std::string> error;
};

Loaded load() {
    Loaded loaded;
    // Never unloaded: GLib's type system cannot be torn down. RTLD_LAZY as a
    // linked GIO was: RTLD_NOW would bind each of the three libraries'
    // thousands of PLT entries up front, ~1 M instructions for a `get` that
    // calls a few dozen functions. The pointers below are resolved now.
    void* handle = dlopen(k_library, RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        loaded.error = std::string("cannot load ") + k_library +
                       " for the Secret Service (install the libglib2.0-0 package, or set "
                       "DOCKER_CREDENTIAL_PAT_STORE=keyring): " +
                       (why != nullptr ? why : "unknown error");
        return loaded;
    }
    // POSIX guarantees that a data pointer from dlsym converts to a function
    // pointer; C++ only allows it through reinterpret_cast.
#define PAT_GLIB_RESOLVE(name)                                                      \
    if (void* symbol = dlsym(handle, #name); symbol != nullptr) {                   \
        loaded.api.name = reinterpret_cast<decltype(&::name)>(symbol);              \
    } else if (!loaded.error) {                                                     \
        loaded.error = std::string("the installed ") + k_library + " lacks " #name; \
    }
    PAT_GLIB_FUNCTIONS(PAT_GLIB_RESOLVE)
#undef PAT_GLIB_RESOLVE
    return loaded;
}

const Loaded& loaded() {
    static const Loaded instance = load();
    return instance;
}

// The table, for the forwarders. Entry points check glib_load_error() first,
// so reaching a GLib call without GIO is a bug in this directory.
const Api& api() {
    const Loaded& l = loaded();
    if (l.error) {
        std::fprintf(stderr, "docker-credential-pat: internal error: GLib called without GIO: %s\n",
                     l.error->c_str());
        std::abort();
    }
    return l.api;
}

}  // namespace

const std::optional<std::string>& glib_load_error() {
    return loaded().error;
}

}  // namespace pat::platform::ss

using pat::platform::ss::api;

// The forwarders: GLib's declarations (from <gio/gio.h>, extern "C"), our
// definitions.
#define PAT_GLIB_FORWARD(ret, name, params, args) \
    ret name params {                             \
        return api().name args;                   \
    }

PAT_GLIB_FORWARD(gchar*, g_dbus_address_escape_value, (const gchar* string), (string))
PAT_GLIB_FORWARD(GIOStream*, g_dbus_address_get_stream_sync,
                 (const gchar* address, gchar** out_guid, GCancellable* cancellable,
                  GError** error),
                 (address, out_guid, cancellable, error))
PAT_GLIB_FORWARD(gchar*, g_dbus_error_get_remote_error, (const GError* error), (error))
PAT_GLIB_FORWARD(GQuark, g_dbus_error_quark, (void), ())
PAT_GLIB_FORWARD(void, g_dbus_error_register_error_domain,
                 (const gchar* error_domain_quark_name, volatile gsize* quark_volatile,
                  const GDBusErrorEntry* entries, guint num_entries),
                 (error_domain_quark_name, quark_volatile, entries, num_entries))
PAT_GLIB_FORWARD(gssize, g_dbus_message_bytes_needed,
                 (guchar * blob, gsize blob_len, GError** error), (blob, blob_len, error))
PAT_GLIB_FORWARD(GVariant*, g_dbus_message_get_body, (GDBusMessage * message), (message))
PAT_GLIB_FORWARD(GDBusMessageType, g_dbus_message_get_message_type, (GDBusMessage * message),
                 (message))
PAT_GLIB_FORWARD(guint32, g_dbus_message_get_reply_serial, (GDBusMessage * message), (message))
PAT_GLIB_FORWARD(GDBusMessage*, g_dbus_message_new_from_blob,
                 (guchar * blob, gsize blob_len, GDBusCapabilityFlags capabilities, GError** error),
                 (blob, blob_len, capabilities, error))
PAT_GLIB_FORWARD(GDBusMessage*, g_dbus_message_new_method_call,
                 (const gchar* name, const gchar* path, const gchar* interface_,
                  const gchar* method),
                 (name, path, interface_, method))
PAT_GLIB_FORWARD(void, g_dbus_message_set_body, (GDBusMessage * message, GVariant* body),
                 (message, body))
PAT_GLIB_FORWARD(void, g_dbus_message_set_flags, (GDBusMessage * message, GDBusMessageFlags flags),
                 (message, flags))
PAT_GLIB_FORWARD(void, g_dbus_message_set_serial, (GDBusMessage * message, guint32 serial),
                 (message, serial))
PAT_GLIB_FORWARD(guchar*, g_dbus_message_to_blob,
                 (GDBusMessage * message, gsize* out_size, GDBusCapabilityFlags capabilities,
                  GError** error),
                 (message, out_size, capabilities, error))
PAT_GLIB_FORWARD(gboolean, g_dbus_message_to_gerror, (GDBusMessage * message, GError** error),
                 (message, error))
PAT_GLIB_FORWARD(GError*, g_error_copy, (const GError* error), (error))
PAT_GLIB_FORWARD(void, g_error_free, (GError * error), (error))
PAT_GLIB_FORWARD(gboolean, g_error_matches, (const GError* error, GQuark domain, gint code),
                 (error, domain, code))
PAT_GLIB_FORWARD(GError*, g_error_new_literal, (GQuark domain, gint code, const gchar* message),
                 (domain, code, message))
PAT_GLIB_FORWARD(void, g_free, (gpointer mem), (mem))
PAT_GLIB_FORWARD(GQuark, g_io_error_quark, (void), ())
PAT_GLIB_FORWARD(void, g_object_unref, (gpointer object), (object))
PAT_GLIB_FORWARD(const gchar*, g_quark_to_string, (GQuark quark), (quark))
PAT_GLIB_FORWARD(GSocket*, g_socket_connection_get_socket, (GSocketConnection * connection),
                 (connection))
PAT_GLIB_FORWARD(GType, g_socket_connection_get_type, (void), ())
PAT_GLIB_FORWARD(int, g_socket_get_fd, (GSocket * socket), (socket))
PAT_GLIB_FORWARD(GTypeInstance*, g_type_check_instance_cast,
                 (GTypeInstance * instance, GType iface_type), (instance, iface_type))
PAT_GLIB_FORWARD(gboolean, g_type_check_instance_is_a, (GTypeInstance * instance, GType iface_type),
                 (instance, iface_type))
PAT_GLIB_FORWARD(void, g_variant_builder_add_value, (GVariantBuilder * builder, GVariant* value),
                 (builder, value))
PAT_GLIB_FORWARD(GVariant*, g_variant_builder_end, (GVariantBuilder * builder), (builder))
PAT_GLIB_FORWARD(void, g_variant_builder_init,
                 (GVariantBuilder * builder, const GVariantType* type), (builder, type))
PAT_GLIB_FORWARD(gboolean, g_variant_get_boolean, (GVariant * value), (value))
PAT_GLIB_FORWARD(GVariant*, g_variant_get_child_value, (GVariant * value, gsize index_),
                 (value, index_))
PAT_GLIB_FORWARD(gconstpointer, g_variant_get_fixed_array,
                 (GVariant * value, gsize* n_elements, gsize element_size),
                 (value, n_elements, element_size))
PAT_GLIB_FORWARD(const gchar*, g_variant_get_string, (GVariant * value, gsize* length),
                 (value, length))
PAT_GLIB_FORWARD(const gchar*, g_variant_get_type_string, (GVariant * value), (value))
PAT_GLIB_FORWARD(guint64, g_variant_get_uint64, (GVariant * value), (value))
PAT_GLIB_FORWARD(void, g_variant_get_va,
                 (GVariant * value, const gchar* format_string, const gchar** endptr, va_list* app),
                 (value, format_string, endptr, app))
PAT_GLIB_FORWARD(GVariant*, g_variant_get_variant, (GVariant * value), (value))
PAT_GLIB_FORWARD(gboolean, g_variant_is_of_type, (GVariant * value, const GVariantType* type),
                 (value, type))
PAT_GLIB_FORWARD(gsize, g_variant_iter_init, (GVariantIter * iter, GVariant* value), (iter, value))
PAT_GLIB_FORWARD(GVariant*, g_variant_iter_next_value, (GVariantIter * iter), (iter))
PAT_GLIB_FORWARD(GVariant*, g_variant_lookup_value,
                 (GVariant * dictionary, const gchar* key, const GVariantType* expected_type),
                 (dictionary, key, expected_type))
PAT_GLIB_FORWARD(gsize, g_variant_n_children, (GVariant * value), (value))
PAT_GLIB_FORWARD(GVariant*, g_variant_new_from_data,
                 (const GVariantType* type, gconstpointer data, gsize size, gboolean trusted,
                  GDestroyNotify notify, gpointer user_data),
                 (type, data, size, trusted, notify, user_data))
PAT_GLIB_FORWARD(GVariant*, g_variant_new_string, (const gchar* string), (string))
PAT_GLIB_FORWARD(GVariant*, g_variant_new_va,
                 (const gchar* format_string, const gchar** endptr, va_list* app),
                 (format_string, endptr, app))
PAT_GLIB_FORWARD(GVariant*, g_variant_ref, (GVariant * value), (value))
PAT_GLIB_FORWARD(GVariant*, g_variant_ref_sink, (GVariant * value), (value))
PAT_GLIB_FORWARD(const GVariantType*, g_variant_type_checked_, (const gchar* type_string),
                 (type_string))
PAT_GLIB_FORWARD(void, g_variant_unref, (GVariant * value), (value))

#undef PAT_GLIB_FORWARD

// The variadic ones, as GLib writes them (gvariant.c).
GVariant* g_variant_new(const gchar* format_string, ...) {
    va_list ap;
    va_start(ap, format_string);
    GVariant* value = api().g_variant_new_va(format_string, nullptr, &ap);
    va_end(ap);
    return value;
}

void g_variant_get_child(GVariant* value, gsize index_, const gchar* format_string, ...) {
    GVariant* child = api().g_variant_get_child_value(value, index_);
    va_list ap;
    va_start(ap, format_string);
    api().g_variant_get_va(child, format_string, nullptr, &ap);
    va_end(ap);
    api().g_variant_unref(child);
}

gboolean g_variant_iter_next(GVariantIter* iter, const gchar* format_string, ...) {
    GVariant* value = api().g_variant_iter_next_value(iter);
    if (value == nullptr) return FALSE;
    va_list ap;
    va_start(ap, format_string);
    api().g_variant_get_va(value, format_string, nullptr, &ap);
    va_end(ap);
    api().g_variant_unref(value);
    return TRUE;
}

void g_variant_builder_add(GVariantBuilder* builder, const gchar* format_string, ...) {
    va_list ap;
    va_start(ap, format_string);
    GVariant* value = api().g_variant_new_va(format_string, nullptr, &ap);
    va_end(ap);
    api().g_variant_builder_add_value(builder, value);
}
