#pragma once
// A minimal D-Bus client for the session bus: GLib parses the address,
// connects and (de)serialises messages (GDBusMessage), and this class moves
// them over the socket itself, without GDBusConnection's worker thread.
// That lets it pipeline everything -- the SASL handshake, Hello and a batch
// of N calls each leave in one write -- and give every batch one deadline.
// (A get costs 3 round trips on a private socket; see docs/secret-service.md.)

#include <gio/gio.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "credentials/errors.hpp"
#include "glib_ptr.hpp"

namespace pat::platform::ss {

// One D-Bus method call.
struct MethodCall {
    std::string destination;  // bus name
    std::string path;         // object path
    const char* interface;    // e.g. "org.freedesktop.Secret.Service"
    const char* method;       // e.g. "SearchItems"
    GVariant* parameters;     // tuple or nullptr; a floating ref is consumed
    const char* reply_type;   // expected reply signature, e.g. "(aoao)", or nullptr
};

// The reply to one call: the reply tuple, or the GError it failed with
// (D-Bus error replies become GErrors through GDBus's error-domain registry).
using Reply = pat::Result<VariantPtr, ErrorPtr>;

class DbusClient {
  public:
    // Connects the socket to the session bus (DBUS_SESSION_BUS_ADDRESS, else
    // $XDG_RUNTIME_DIR/bus; never X11 autolaunch). Authentication and Hello
    // are queued in front of the first batch of calls, so they cost no round
    // trip of their own; their failure is then reported by connect_error().
    // Errors here: no_session_bus (unset or unreachable).
    static cred::Result<std::unique_ptr<DbusClient>> connect(std::chrono::milliseconds timeout);

    // Why the handshake (auth + Hello) failed, once a batch has run; null if
    // it succeeded or has not run. Every call fails once this is set.
    const GError* connect_error() const { return m_connect_error.get(); }

    ~DbusClient();
    DbusClient(const DbusClient&) = delete;
    DbusClient& operator=(const DbusClient&) = delete;

    // Sends every call at once (NO_AUTO_START) and waits for all replies, at
    // most the deadline after sending. replies[i] answers calls[i]; a call past
    // the deadline fails with G_IO_ERROR_TIMED_OUT, and every pending call
    // fails with G_IO_ERROR_CLOSED if the bus connection closes.
    std::vector<Reply> call_all(const std::vector<MethodCall>& calls);
    // The same, waiting at most until `deadline` (a resend within the deadline
    // of an earlier batch).
    std::vector<Reply> call_all(const std::vector<MethodCall>& calls,
                                std::chrono::steady_clock::time_point deadline);
    // One call with the deadline.
    Reply call(MethodCall call);

    std::chrono::milliseconds timeout() const { return m_timeout; }

  private:
    // A call on the wire, waiting for the reply with its serial.
    struct Pending {
        std::uint32_t serial;
        const char* reply_type;
        Reply* slot;  // pre-filled with a timeout error
    };

    DbusClient(ObjectPtr<GIOStream> stream, int fd, std::chrono::milliseconds timeout);
    // Writes `out` (then wipes it) and reads until every pending call has its
    // reply, `deadline` passes or the connection closes.
    void exchange(std::string& out, std::vector<Pending>& pending,
                  std::chrono::steady_clock::time_point deadline);
    // Consumes complete lines/messages from m_in; false on a protocol error.
    bool consume(std::vector<Pending>& pending, std::size_t& answered);

    ObjectPtr<GIOStream> m_stream;  // owns the socket
    int m_fd;
    std::chrono::milliseconds m_timeout;
    std::uint32_t m_next_serial = 1;
    std::string m_in;        // bytes read but not yet consumed
    std::string m_preamble;  // auth + Hello, sent with the first batch
    std::uint32_t m_hello_serial = 0;
    ErrorPtr m_connect_error;
    bool m_authenticated = false;
    bool m_closed = false;
};

}  // namespace pat::platform::ss
