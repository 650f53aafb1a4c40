#include "dbus_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/hex.hpp"
#include "common/secret.hpp"
#include "errors.hpp"

namespace pat::platform::ss {
namespace {

using Clock = std::chrono::steady_clock;

// The session bus address without X11 autolaunch (which would hang or fail
// obscurely on a server): the variable, else the systemd per-user socket.
std::optional<std::string> session_bus_address() {
    const char* env = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    if (env != nullptr && *env != '\0') return std::string(env);
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime == nullptr || *runtime == '\0') return std::nullopt;
    const std::string socket = std::string(runtime) + "/bus";
    struct stat st {};
    if (stat(socket.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return std::nullopt;
    GCharPtr escaped{g_dbus_address_escape_value(socket.c_str())};
    return "unix:path=" + std::string(escaped.get());
}

ErrorPtr io_error(GIOErrorEnum code, const char* text) {
    return ErrorPtr(g_error_new_literal(G_IO_ERROR, code, text));
}

// SASL EXTERNAL with our uid, and BEGIN right away: the bus reads the lines
// in order, so the first messages can follow in the same write.
std::string auth_preamble() {
    const std::string uid = std::to_string(getuid());
    return std::string(1, '\0') + "AUTH EXTERNAL " + to_hex(uid) + "\r\nBEGIN\r\n";
}

// Serialises one call; the blob may hold a secret, so it is wiped.
bool append_call(std::string& out, const MethodCall& call, std::uint32_t serial, ErrorPtr& error) {
    ObjectPtr<GDBusMessage> message(g_dbus_message_new_method_call(
        call.destination.c_str(), call.path.c_str(), call.interface, call.method));
    if (call.parameters != nullptr) g_dbus_message_set_body(message.get(), call.parameters);
    g_dbus_message_set_flags(message.get(), G_DBUS_MESSAGE_FLAGS_NO_AUTO_START);
    g_dbus_message_set_serial(message.get(), serial);
    gsize size = 0;
    GError* raw = nullptr;
    guchar* blob = g_dbus_message_to_blob(message.get(), &size, G_DBUS_CAPABILITY_FLAGS_NONE, &raw);
    if (blob == nullptr) {
        error.reset(raw);
        return false;
    }
    out.append(reinterpret_cast<const char*>(blob), size);
    explicit_bzero(blob, size);
    g_free(blob);
    return true;
}

// A METHOD_RETURN or ERROR message as a Reply, checking the signature.
Reply to_reply(GDBusMessage* message, const char* reply_type) {
    GError* raw = nullptr;
    if (g_dbus_message_to_gerror(message, &raw)) return pat::fail(ErrorPtr(raw));
    GVariant* body = g_dbus_message_get_body(message);
    VariantPtr value(body != nullptr ? g_variant_ref(body)
                                     : g_variant_ref_sink(g_variant_new("()")));
    if (reply_type != nullptr &&
        std::strcmp(g_variant_get_type_string(value.get()), reply_type) != 0) {
        return pat::fail(io_error(G_IO_ERROR_INVALID_DATA, "unexpected reply signature"));
    }
    return value;
}

}  // namespace

cred::Result<std::unique_ptr<DbusClient>> DbusClient::connect(std::chrono::milliseconds timeout) {
    const auto address = session_bus_address();
    if (!address) return fail(no_session_bus_unset());
    // Connecting a unix socket does not wait on the peer; only the handshake
    // below can, and it runs under the deadline.
    GError* raw = nullptr;
    ObjectPtr<GIOStream> stream(
        g_dbus_address_get_stream_sync(address->c_str(), nullptr, nullptr, &raw));
    if (!stream) return fail(map_gerror(*ErrorPtr(raw), Stage::connect, timeout));
    if (!G_IS_SOCKET_CONNECTION(stream.get())) return fail(no_session_bus_unreachable());
    GSocket* socket = g_socket_connection_get_socket(G_SOCKET_CONNECTION(stream.get()));
    const int fd = g_socket_get_fd(socket);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::unique_ptr<DbusClient> client(new DbusClient(std::move(stream), fd, timeout));
    client->m_preamble = auth_preamble();
    client->m_hello_serial = client->m_next_serial++;
    ErrorPtr error;
    append_call(client->m_preamble,
                {"org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello",
                 nullptr, "(s)"},
                client->m_hello_serial, error);
    return client;
}

DbusClient::DbusClient(ObjectPtr<GIOStream> stream, int fd, std::chrono::milliseconds timeout)
    : m_stream(std::move(stream)), m_fd(fd), m_timeout(timeout) {}

DbusClient::~DbusClient() {
    wipe_string(m_in);
}

std::vector<Reply> DbusClient::call_all(const std::vector<MethodCall>& calls) {
    return call_all(calls, Clock::now() + m_timeout);
}

std::vector<Reply> DbusClient::call_all(const std::vector<MethodCall>& calls,
                                        Clock::time_point deadline) {
    std::vector<Reply> replies;
    replies.reserve(calls.size());  // no reallocation: Pending points into it
    std::vector<Pending> pending;
    std::string out;
    Reply hello(pat::fail(io_error(G_IO_ERROR_TIMED_OUT, "deadline passed")));
    if (!m_preamble.empty()) {
        out.swap(m_preamble);
        pending.push_back({m_hello_serial, "(s)", &hello});
    }
    for (const MethodCall& call : calls) {
        ErrorPtr error;
        const std::uint32_t serial = m_next_serial++;
        if (m_connect_error) {
            replies.emplace_back(pat::fail(ErrorPtr(g_error_copy(m_connect_error.get()))));
        } else if (append_call(out, call, serial, error)) {
            replies.emplace_back(pat::fail(io_error(G_IO_ERROR_TIMED_OUT, "deadline passed")));
            pending.push_back({serial, call.reply_type, &replies.back()});
        } else {
            replies.emplace_back(pat::fail(std::move(error)));
        }
    }
    if (!pending.empty()) exchange(out, pending, deadline);
    if (!pending.empty() && pending.front().slot == &hello && !hello) {
        m_connect_error = std::move(hello).error();
    }
    return replies;
}

Reply DbusClient::call(MethodCall call) {
    std::vector<MethodCall> calls;
    calls.push_back(std::move(call));
    return std::move(call_all(calls).front());
}

void DbusClient::exchange(std::string& out, std::vector<Pending>& pending,
                          Clock::time_point deadline) {
    std::size_t written = 0;
    std::size_t answered = 0;
    char buffer[65536];
    std::size_t buffer_used = 0;  // the bytes of `buffer` that held input, wiped below
    while (!m_closed && (answered < pending.size() || written < out.size())) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;  // the deadline: the rest keep their timeout error
        pollfd p{m_fd, static_cast<short>(POLLIN | (written < out.size() ? POLLOUT : 0)), 0};
        const int ready = poll(&p, 1, static_cast<int>(left.count()) + 1);
        if (ready < 0 && errno != EINTR) m_closed = true;
        if (ready <= 0) continue;
        if ((p.revents & POLLOUT) != 0) {
            const ssize_t n = send(m_fd, out.data() + written, out.size() - written, MSG_NOSIGNAL);
            if (n > 0) written += static_cast<std::size_t>(n);
            if (n < 0 && errno != EAGAIN && errno != EINTR) m_closed = true;
        }
        if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            const ssize_t n = recv(m_fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                m_in.append(buffer, static_cast<std::size_t>(n));
                buffer_used = std::max(buffer_used, static_cast<std::size_t>(n));
            }
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) m_closed = true;
            if (n > 0 && !consume(pending, answered)) m_closed = true;
        }
    }
    explicit_bzero(buffer, buffer_used);
    wipe_string(out);
    if (!m_closed) return;
    for (Pending& call : pending) {
        if (call.slot->ok()) continue;
        if (g_error_matches(call.slot->error().get(), G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
            *call.slot = Reply(pat::fail(io_error(G_IO_ERROR_CLOSED, "bus connection closed")));
        }
    }
}

bool DbusClient::consume(std::vector<Pending>& pending, std::size_t& answered) {
    if (!m_authenticated) {
        const auto end = m_in.find("\r\n");
        if (end == std::string::npos) return true;  // wait for the rest of the line
        if (m_in.compare(0, 3, "OK ") != 0) {
            for (Pending& call : pending) {
                *call.slot = Reply(pat::fail(
                    io_error(G_IO_ERROR_PERMISSION_DENIED, "bus authentication rejected")));
            }
            answered = pending.size();
            return false;
        }
        m_in.erase(0, end + 2);
        m_authenticated = true;
    }
    while (m_in.size() >= 16) {
        auto* data = reinterpret_cast<guchar*>(m_in.data());
        const gssize size = g_dbus_message_bytes_needed(data, 16, nullptr);
        if (size < 0) return false;
        if (m_in.size() < static_cast<std::size_t>(size)) return true;
        ObjectPtr<GDBusMessage> message(g_dbus_message_new_from_blob(
            data, static_cast<gsize>(size), G_DBUS_CAPABILITY_FLAGS_NONE, nullptr));
        m_in.erase(0, static_cast<std::size_t>(size));
        if (!message) return false;
        const auto type = g_dbus_message_get_message_type(message.get());
        if (type != G_DBUS_MESSAGE_TYPE_METHOD_RETURN && type != G_DBUS_MESSAGE_TYPE_ERROR) {
            continue;  // signals (NameAcquired) are not for us
        }
        const std::uint32_t serial = g_dbus_message_get_reply_serial(message.get());
        for (Pending& call : pending) {
            if (call.serial != serial) continue;
            *call.slot = to_reply(message.get(), call.reply_type);
            ++answered;
            break;
        }
    }
    return true;
}

}  // namespace pat::platform::ss
