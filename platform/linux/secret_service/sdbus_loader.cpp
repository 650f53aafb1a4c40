// libsystemd loaded on first use (sdbus_loader.hpp). Each function below has
// sd-bus's own name and signature and calls the real one through a pointer
// resolved from libsystemd.so.0; the variadic ones go through sd-bus's own
// va_list forms, as sd-bus itself implements them.
#include "sdbus_loader.hpp"

#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace pat::platform::ss {
namespace {

constexpr const char* k_library = "libsystemd.so.0";

// Every sd-bus function the Secret Service client calls, va_list forms in
// place of the variadic ones.
#define PAT_SDBUS_FUNCTIONS(X)        \
    X(sd_bus_call_async)              \
    X(sd_bus_close_unref)             \
    X(sd_bus_is_ready)                \
    X(sd_bus_message_append_array)    \
    X(sd_bus_message_appendv)         \
    X(sd_bus_message_close_container) \
    X(sd_bus_message_enter_container) \
    X(sd_bus_message_exit_container)  \
    X(sd_bus_message_get_error)       \
    X(sd_bus_message_get_signature)   \
    X(sd_bus_message_is_method_error) \
    X(sd_bus_message_new_method_call) \
    X(sd_bus_message_open_container)  \
    X(sd_bus_message_peek_type)       \
    X(sd_bus_message_read_array)      \
    X(sd_bus_message_readv)           \
    X(sd_bus_message_ref)             \
    X(sd_bus_message_sensitive)       \
    X(sd_bus_message_set_auto_start)  \
    X(sd_bus_message_skip)            \
    X(sd_bus_message_unref)           \
    X(sd_bus_negotiate_fds)           \
    X(sd_bus_new)                     \
    X(sd_bus_process)                 \
    X(sd_bus_set_address)             \
    X(sd_bus_set_bus_client)          \
    X(sd_bus_slot_unref)              \
    X(sd_bus_start)                   \
    X(sd_bus_wait)

struct Api {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` is a member's name here
#define PAT_SDBUS_SLOT(name) decltype(&::name) name = nullptr;
    PAT_SDBUS_FUNCTIONS(PAT_SDBUS_SLOT)
#undef PAT_SDBUS_SLOT
};

struct Loaded {
    Api api;
    std::optional<std::string> error;
};

Loaded load() {
    Loaded loaded;
    // Never unloaded: the process ends soon after its last D-Bus call.
    // libsystemd is linked with -z now, so RTLD_LAZY changes nothing there;
    // the pointers below are resolved now.
    void* handle = dlopen(k_library, RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        loaded.error = std::string("cannot load ") + k_library +
                       " for the Secret Service (install the libsystemd0 package, or set "
                       "DOCKER_CREDENTIAL_PAT_STORE=keyring): " +
                       (why != nullptr ? why : "unknown error");
        return loaded;
    }
    // POSIX guarantees that a data pointer from dlsym converts to a function
    // pointer; C++ only allows it through reinterpret_cast.
#define PAT_SDBUS_RESOLVE(name)                                                     \
    if (void* symbol = dlsym(handle, #name); symbol != nullptr) {                   \
        loaded.api.name = reinterpret_cast<decltype(&::name)>(symbol);              \
    } else if (!loaded.error) {                                                     \
        loaded.error = std::string("the installed ") + k_library + " lacks " #name; \
    }
    PAT_SDBUS_FUNCTIONS(PAT_SDBUS_RESOLVE)
#undef PAT_SDBUS_RESOLVE
    return loaded;
}

const Loaded& loaded() {
    static const Loaded instance = load();
    return instance;
}

// The table, for the forwarders. Entry points check sdbus_load_error()
// first, so reaching an sd-bus call without libsystemd is a bug here.
const Api& api() {
    const Loaded& l = loaded();
    if (l.error) {
        std::fprintf(
            stderr, "docker-credential-pat: internal error: sd-bus called without libsystemd: %s\n",
            l.error->c_str());
        std::abort();
    }
    return l.api;
}

}  // namespace

const std::optional<std::string>& sdbus_load_error() {
    return loaded().error;
}

}  // namespace pat::platform::ss

using pat::platform::ss::api;

// The forwarders: sd-bus's declarations (from <systemd/sd-bus.h>, extern
// "C"), our definitions.
#define PAT_SDBUS_FORWARD(ret, name, params, args) \
    ret name params {                              \
        return api().name args;                    \
    }

PAT_SDBUS_FORWARD(int, sd_bus_call_async,
                  (sd_bus * bus, sd_bus_slot** slot, sd_bus_message* m,
                   sd_bus_message_handler_t callback, void* userdata, uint64_t usec),
                  (bus, slot, m, callback, userdata, usec))
PAT_SDBUS_FORWARD(sd_bus*, sd_bus_close_unref, (sd_bus * bus), (bus))
PAT_SDBUS_FORWARD(int, sd_bus_is_ready, (sd_bus * bus), (bus))
PAT_SDBUS_FORWARD(int, sd_bus_message_append_array,
                  (sd_bus_message * m, char type, const void* ptr, size_t size),
                  (m, type, ptr, size))
PAT_SDBUS_FORWARD(int, sd_bus_message_appendv, (sd_bus_message * m, const char* types, va_list ap),
                  (m, types, ap))
PAT_SDBUS_FORWARD(int, sd_bus_message_close_container, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(int, sd_bus_message_enter_container,
                  (sd_bus_message * m, char type, const char* contents), (m, type, contents))
PAT_SDBUS_FORWARD(int, sd_bus_message_exit_container, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(const sd_bus_error*, sd_bus_message_get_error, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(const char*, sd_bus_message_get_signature, (sd_bus_message * m, int complete),
                  (m, complete))
PAT_SDBUS_FORWARD(int, sd_bus_message_is_method_error, (sd_bus_message * m, const char* name),
                  (m, name))
PAT_SDBUS_FORWARD(int, sd_bus_message_new_method_call,
                  (sd_bus * bus, sd_bus_message** m, const char* destination, const char* path,
                   const char* interface, const char* member),
                  (bus, m, destination, path, interface, member))
PAT_SDBUS_FORWARD(int, sd_bus_message_open_container,
                  (sd_bus_message * m, char type, const char* contents), (m, type, contents))
PAT_SDBUS_FORWARD(int, sd_bus_message_peek_type,
                  (sd_bus_message * m, char* type, const char** contents), (m, type, contents))
PAT_SDBUS_FORWARD(int, sd_bus_message_read_array,
                  (sd_bus_message * m, char type, const void** ptr, size_t* size),
                  (m, type, ptr, size))
PAT_SDBUS_FORWARD(int, sd_bus_message_readv, (sd_bus_message * m, const char* types, va_list ap),
                  (m, types, ap))
PAT_SDBUS_FORWARD(sd_bus_message*, sd_bus_message_ref, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(int, sd_bus_message_sensitive, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(int, sd_bus_message_set_auto_start, (sd_bus_message * m, int b), (m, b))
PAT_SDBUS_FORWARD(int, sd_bus_message_skip, (sd_bus_message * m, const char* types), (m, types))
PAT_SDBUS_FORWARD(sd_bus_message*, sd_bus_message_unref, (sd_bus_message * m), (m))
PAT_SDBUS_FORWARD(int, sd_bus_negotiate_fds, (sd_bus * bus, int b), (bus, b))
PAT_SDBUS_FORWARD(int, sd_bus_new, (sd_bus * *ret), (ret))
PAT_SDBUS_FORWARD(int, sd_bus_process, (sd_bus * bus, sd_bus_message** r), (bus, r))
PAT_SDBUS_FORWARD(int, sd_bus_set_address, (sd_bus * bus, const char* address), (bus, address))
PAT_SDBUS_FORWARD(int, sd_bus_set_bus_client, (sd_bus * bus, int b), (bus, b))
PAT_SDBUS_FORWARD(sd_bus_slot*, sd_bus_slot_unref, (sd_bus_slot * slot), (slot))
PAT_SDBUS_FORWARD(int, sd_bus_start, (sd_bus * bus), (bus))
PAT_SDBUS_FORWARD(int, sd_bus_wait, (sd_bus * bus, uint64_t timeout_usec), (bus, timeout_usec))

#undef PAT_SDBUS_FORWARD

// The variadic ones, as sd-bus writes them (bus-message.c).
int sd_bus_message_append(sd_bus_message* m, const char* types, ...) {
    va_list ap;
    va_start(ap, types);
    const int r = api().sd_bus_message_appendv(m, types, ap);
    va_end(ap);
    return r;
}

int sd_bus_message_read(sd_bus_message* m, const char* types, ...) {
    va_list ap;
    va_start(ap, types);
    const int r = api().sd_bus_message_readv(m, types, ap);
    va_end(ap);
    return r;
}
