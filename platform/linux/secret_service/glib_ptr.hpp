#pragma once
// unique_ptr owners for the GLib/GIO handles the Secret Service client uses,
// so that no early return can leak a GError, a GVariant or a connection.

#include <gio/gio.h>

#include <memory>

namespace pat::platform::ss {

struct GErrorDeleter {
    void operator()(GError* error) const { g_error_free(error); }
};
// An owned GError.
using ErrorPtr = std::unique_ptr<GError, GErrorDeleter>;

struct GVariantDeleter {
    void operator()(GVariant* value) const { g_variant_unref(value); }
};
// An owned, non-floating GVariant reference.
using VariantPtr = std::unique_ptr<GVariant, GVariantDeleter>;

struct GObjectDeleter {
    void operator()(gpointer object) const { g_object_unref(object); }
};
// An owned reference to any GObject (GDBusConnection, GCancellable, ...).
template <class T>
using ObjectPtr = std::unique_ptr<T, GObjectDeleter>;

struct GMainContextDeleter {
    void operator()(GMainContext* context) const { g_main_context_unref(context); }
};
// An owned GMainContext.
using MainContextPtr = std::unique_ptr<GMainContext, GMainContextDeleter>;

struct GFreeDeleter {
    void operator()(gpointer memory) const { g_free(memory); }
};
// A g_malloc'ed string.
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

// Takes ownership of a value that may still be floating (g_variant_new_*).
inline VariantPtr sink(GVariant* value) {
    return VariantPtr(g_variant_ref_sink(value));
}

}  // namespace pat::platform::ss
