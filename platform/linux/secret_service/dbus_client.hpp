#pragma once
// A minimal D-Bus client for the session bus over sd-bus (libsystemd, loaded
// on first use: sdbus_loader.hpp). sd-bus writes the whole SASL exchange in
// one go and queues Hello and the first batch behind it; every batch of N
// calls is sent at once and waited for under one deadline of our own.
// (A get costs 3 round trips on a private socket; see docs/secret-service.md.)

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "credentials/errors.hpp"
#include "dbus_error.hpp"
#include "sdbus_ptr.hpp"

namespace pat::platform::ss {

// Appends a call's arguments to its message; returns sd-bus's result (< 0:
// -errno). Called again for a call that is sent again.
using AppendArguments = std::function<int(sd_bus_message*)>;

// One D-Bus method call.
struct MethodCall {
    std::string destination;    // bus name
    std::string path;           // object path
    const char* interface;      // e.g. "org.freedesktop.Secret.Service"
    const char* method;         // e.g. "SearchItems"
    AppendArguments arguments;  // empty: no arguments
    const char* reply_type;     // expected reply signature, e.g. "aoao", or nullptr
};

// The reply to one call (its read position at the first argument), or why
// it failed.
using Reply = pat::Result<MessagePtr, DbusError>;

class DbusClient {
  public:
    // Connects the socket to the session bus (DBUS_SESSION_BUS_ADDRESS, else
    // $XDG_RUNTIME_DIR/bus; never X11 autolaunch) and writes the SASL
    // exchange. Hello and the first batch wait behind it, so they cost no
    // round trip of their own; a failed handshake is then reported by
    // connect_error(). Errors here: no_session_bus (unset or unreachable).
    static cred::Result<std::unique_ptr<DbusClient>> connect(std::chrono::milliseconds timeout);

    // Why the handshake (auth + Hello) failed, once a batch has run; null if
    // it succeeded or has not run. Every call fails once this is set.
    const DbusError* connect_error() const { return m_connect_error ? &*m_connect_error : nullptr; }

    DbusClient(const DbusClient&) = delete;
    DbusClient& operator=(const DbusClient&) = delete;
    ~DbusClient() = default;

    // Sends every call at once (NO_AUTO_START) and waits for all replies, at
    // most the deadline after sending. replies[i] answers calls[i]; a call past
    // the deadline fails with Kind::timed_out, and every pending call fails
    // with Kind::closed (or sd-bus's NoReply) if the bus connection closes.
    std::vector<Reply> call_all(const std::vector<MethodCall>& calls);
    // The same, waiting at most until `deadline` (a resend within the deadline
    // of an earlier batch).
    std::vector<Reply> call_all(const std::vector<MethodCall>& calls,
                                std::chrono::steady_clock::time_point deadline);
    // One call with the deadline.
    Reply call(MethodCall call);

    std::chrono::milliseconds timeout() const { return m_timeout; }

  private:
    DbusClient(BusPtr bus, std::chrono::milliseconds timeout);
    // Builds the message of `call`; an error says why not.
    pat::Result<MessagePtr, DbusError> message_for(const MethodCall& call);
    // Runs the bus until `*left` is 0, `deadline` passes or the connection
    // closes (then m_closed).
    void wait(const std::size_t* left, std::chrono::steady_clock::time_point deadline);

    BusPtr m_bus;
    std::chrono::milliseconds m_timeout;
    std::optional<DbusError> m_connect_error;
    bool m_ready = false;  // the handshake completed
    bool m_closed = false;
};

}  // namespace pat::platform::ss
