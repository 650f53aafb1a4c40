#include "dbus_client.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "errors.hpp"

namespace pat::platform::ss {
namespace {

using Clock = std::chrono::steady_clock;

// D-Bus address escaping: every byte but [-0-9A-Za-z_/.\*] as %xx.
std::string escape_address_value(const std::string& value) {
    std::string out;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
            (byte >= 'A' && byte <= 'Z') || std::strchr("-_/.\\*", c) != nullptr) {
            out += c;
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02x", byte);
            out += hex;
        }
    }
    return out;
}

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
    return "unix:path=" + escape_address_value(socket);
}

DbusError timed_out() {
    return local_error(DbusError::Kind::timed_out, "deadline passed");
}

DbusError closed() {
    return local_error(DbusError::Kind::closed, "bus connection closed");
}

// A call on the wire: where its reply goes.
struct Pending {
    Reply* slot;             // pre-filled with a timeout error
    const char* reply_type;  // expected signature, or nullptr
    std::size_t* left;       // the batch's count of unanswered calls
};

// A METHOD_RETURN or ERROR message as a Reply, checking the signature.
Reply to_reply(sd_bus_message* message, const char* reply_type) {
    if (sd_bus_message_is_method_error(message, nullptr) > 0) {
        const sd_bus_error* error = sd_bus_message_get_error(message);
        return pat::fail(DbusError{
            DbusError::Kind::reply, error != nullptr && error->name != nullptr ? error->name : "",
            error != nullptr && error->message != nullptr ? error->message : ""});
    }
    const char* signature = sd_bus_message_get_signature(message, 1);
    if (reply_type != nullptr &&
        (signature == nullptr || std::strcmp(signature, reply_type) != 0)) {
        return pat::fail(local_error(DbusError::Kind::local, "unexpected reply signature"));
    }
    // Replies may carry a secret (GetSecrets): sd-bus wipes such a message
    // when it frees it.
    sd_bus_message_sensitive(message);
    return MessagePtr(sd_bus_message_ref(message));
}

int on_reply(sd_bus_message* message, void* userdata, sd_bus_error* /*error*/) {
    auto* pending = static_cast<Pending*>(userdata);
    *pending->slot = to_reply(message, pending->reply_type);
    --*pending->left;
    return 0;
}

}  // namespace

cred::Result<std::unique_ptr<DbusClient>> DbusClient::connect(std::chrono::milliseconds timeout) {
    const auto address = session_bus_address();
    if (!address) return fail(no_session_bus_unset());
    sd_bus* raw = nullptr;
    if (sd_bus_new(&raw) < 0) return fail(no_session_bus_unreachable());
    BusPtr bus(raw);
    // Connecting a unix socket does not wait on the peer, and sd_bus_start
    // only writes the SASL lines: the handshake's answers are read by the
    // first batch, under its deadline. No fd passing: we never send or take one.
    if (sd_bus_set_address(bus.get(), address->c_str()) < 0 ||
        sd_bus_set_bus_client(bus.get(), 1) < 0 || sd_bus_negotiate_fds(bus.get(), 0) < 0 ||
        sd_bus_start(bus.get()) < 0) {
        return fail(no_session_bus_unreachable());
    }
    return std::unique_ptr<DbusClient>(new DbusClient(std::move(bus), timeout));
}

DbusClient::DbusClient(BusPtr bus, std::chrono::milliseconds timeout)
    : m_bus(std::move(bus)), m_timeout(timeout) {}

std::vector<Reply> DbusClient::call_all(const std::vector<MethodCall>& calls) {
    return call_all(calls, Clock::now() + m_timeout);
}

pat::Result<MessagePtr, DbusError> DbusClient::message_for(const MethodCall& call) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(m_bus.get(), &raw, call.destination.c_str(),
                                           call.path.c_str(), call.interface, call.method);
    MessagePtr message(raw);
    if (r >= 0) r = sd_bus_message_set_auto_start(message.get(), 0);
    if (r >= 0 && call.arguments) r = call.arguments(message.get());
    if (r < 0) {
        return pat::fail(local_error(DbusError::Kind::local,
                                     std::string("cannot build the call: ") + std::strerror(-r)));
    }
    return message;
}

std::vector<Reply> DbusClient::call_all(const std::vector<MethodCall>& calls,
                                        Clock::time_point deadline) {
    std::vector<Reply> replies;
    replies.reserve(calls.size());  // no reallocation: Pending points into it
    std::vector<Pending> pending;
    pending.reserve(calls.size());
    std::size_t left = 0;
    // sd-bus's own timeout answers "NoReply", which means the provider left;
    // ours (below) comes first and is a deadline.
    const auto usec = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count() +
        1'000'000);
    std::vector<SlotPtr> slots;  // destroyed first: no callback outlives `pending`
    slots.reserve(calls.size());
    for (const MethodCall& call : calls) {
        if (m_connect_error) {
            replies.emplace_back(pat::fail(*m_connect_error));
            continue;
        }
        auto message = message_for(call);
        if (!message) {
            replies.emplace_back(pat::fail(std::move(message).error()));
            continue;
        }
        replies.emplace_back(pat::fail(timed_out()));
        pending.push_back({&replies.back(), call.reply_type, &left});
        sd_bus_slot* slot = nullptr;
        if (sd_bus_call_async(m_bus.get(), &slot, message.value().get(), on_reply, &pending.back(),
                              usec) < 0) {
            replies.back() = Reply(pat::fail(closed()));
            continue;
        }
        slots.emplace_back(slot);
        ++left;
    }
    if (!slots.empty()) {
        wait(&left, deadline);
        if (!m_ready) m_connect_error = m_closed ? closed() : timed_out();
    }
    if (m_closed) {
        for (Reply& reply : replies) {
            if (!reply && reply.error().kind == DbusError::Kind::timed_out)
                reply = pat::fail(closed());
        }
    }
    return replies;
}

Reply DbusClient::call(MethodCall call) {
    std::vector<MethodCall> calls;
    calls.push_back(std::move(call));
    return std::move(call_all(calls).front());
}

void DbusClient::wait(const std::size_t* left, Clock::time_point deadline) {
    while (*left > 0 && !m_closed) {
        const auto now = Clock::now();
        if (now >= deadline) return;  // the rest keep their timeout error
        const int processed = sd_bus_process(m_bus.get(), nullptr);
        // Hello's reply comes before any other: ready before the connection
        // can close means the handshake worked.
        if (!m_ready) m_ready = sd_bus_is_ready(m_bus.get()) > 0;
        if (processed < 0) {
            m_closed = true;
        } else if (processed == 0) {
            const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
            const int waited =
                sd_bus_wait(m_bus.get(), static_cast<std::uint64_t>(usec.count()) + 1);
            if (waited < 0 && waited != -EINTR) m_closed = true;
        }
    }
}

}  // namespace pat::platform::ss
