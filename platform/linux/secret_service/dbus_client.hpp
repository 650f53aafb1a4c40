#pragma once
// A private GDBus connection to the session bus on which every call has a
// deadline. Calls are asynchronous underneath and complete on a private main
// context, so a batch of calls is pipelined: N calls cost about one round
// trip, not N (this is what makes `list` of 1000 items fast).

#include <gio/gio.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "credentials/errors.hpp"
#include "glib_ptr.hpp"

namespace pat::platform::ss {

// One D-Bus method call.
struct MethodCall {
    std::string destination;  // bus name (unique name preferred)
    std::string path;         // object path
    const char* interface;    // e.g. "org.freedesktop.Secret.Service"
    const char* method;       // e.g. "SearchItems"
    GVariant* parameters;     // tuple or nullptr; a floating ref is consumed
    const char* reply_type;   // expected reply signature, e.g. "(aoao)", or nullptr
};

// The reply to one call: the reply tuple, or the GError it failed with.
using Reply = pat::Result<VariantPtr, ErrorPtr>;

class DbusClient {
  public:
    // Connects to the session bus (DBUS_SESSION_BUS_ADDRESS, else
    // $XDG_RUNTIME_DIR/bus; never X11 autolaunch) within `timeout`.
    // Errors: no_session_bus (unset or unreachable), timeout.
    static cred::Result<std::unique_ptr<DbusClient>> connect(std::chrono::milliseconds timeout);

    ~DbusClient();
    DbusClient(const DbusClient&) = delete;
    DbusClient& operator=(const DbusClient&) = delete;

    // Sends every call at once and waits for all replies, at most the
    // deadline (`timeout` from connect) after sending. replies[i] answers
    // calls[i]; a call past the deadline fails with a timeout GError.
    std::vector<Reply> call_all(std::vector<MethodCall> calls);
    // One call with the deadline.
    Reply call(MethodCall call);

    std::chrono::milliseconds timeout() const { return m_timeout; }

  private:
    DbusClient(MainContextPtr context, ObjectPtr<GDBusConnection> connection,
               std::chrono::milliseconds timeout);

    MainContextPtr m_context;
    ObjectPtr<GDBusConnection> m_connection;
    std::chrono::milliseconds m_timeout;
};

}  // namespace pat::platform::ss
