#include "dbus_client.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <functional>
#include <optional>

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

// Makes `context` the thread-default one while alive, so that GDBus delivers
// our async results (and its call timeouts) there.
class ContextScope {
  public:
    explicit ContextScope(GMainContext* context) : m_context(context) {
        g_main_context_push_thread_default(m_context);
    }
    ~ContextScope() { g_main_context_pop_thread_default(m_context); }
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

  private:
    GMainContext* m_context;
};

// Runs `context` until `done()` or `deadline`; returns done().
bool iterate_until(GMainContext* context, const std::function<bool()>& done,
                   Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    bool expired = left.count() <= 0;
    GSource* timer = g_timeout_source_new(static_cast<guint>(std::max<long long>(left.count(), 0)));
    g_source_set_callback(
        timer,
        [](gpointer flag) -> gboolean {
            *static_cast<bool*>(flag) = true;
            return G_SOURCE_REMOVE;
        },
        &expired, nullptr);
    g_source_attach(timer, context);
    while (!done() && !expired) g_main_context_iteration(context, TRUE);
    g_source_destroy(timer);
    g_source_unref(timer);
    return done();
}

// Shared by the waiting side and the async callback, so that a callback that
// arrives after we gave up never touches freed memory.
struct PendingConnect {
    GDBusConnection* connection = nullptr;
    GError* error = nullptr;
    bool done = false;
};

void on_connected(GObject*, GAsyncResult* result, gpointer data) {
    auto* pending = static_cast<std::shared_ptr<PendingConnect>*>(data);
    (*pending)->connection = g_dbus_connection_new_for_address_finish(result, &(*pending)->error);
    (*pending)->done = true;
    delete pending;
}

struct Batch {
    std::vector<std::optional<Reply>> replies;
    std::size_t outstanding = 0;
};

struct CallTag {
    std::shared_ptr<Batch> batch;
    std::size_t index;
};

void on_reply(GObject* source, GAsyncResult* result, gpointer data) {
    std::unique_ptr<CallTag> tag(static_cast<CallTag*>(data));
    GError* error = nullptr;
    GVariant* value = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (value != nullptr) {
        tag->batch->replies[tag->index].emplace(VariantPtr(value));
    } else {
        tag->batch->replies[tag->index].emplace(pat::fail(ErrorPtr(error)));
    }
    --tag->batch->outstanding;
}

ErrorPtr timed_out_error() {
    return ErrorPtr(g_error_new_literal(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "deadline passed"));
}

}  // namespace

cred::Result<std::unique_ptr<DbusClient>> DbusClient::connect(std::chrono::milliseconds timeout) {
    const auto address = session_bus_address();
    if (!address) return fail(no_session_bus_unset());

    MainContextPtr context(g_main_context_new());
    ContextScope scope(context.get());
    ObjectPtr<GCancellable> cancellable(g_cancellable_new());
    auto pending = std::make_shared<PendingConnect>();
    g_dbus_connection_new_for_address(
        address->c_str(),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, cancellable.get(), on_connected, new std::shared_ptr<PendingConnect>(pending));
    if (!iterate_until(
            context.get(), [&] { return pending->done; }, Clock::now() + timeout)) {
        // The attempt keeps `pending` alive until its callback, if it ever comes.
        g_cancellable_cancel(cancellable.get());
        return fail(deadline_passed(timeout));
    }
    ErrorPtr error(pending->error);
    if (pending->connection == nullptr) return fail(map_gerror(*error, Stage::connect, timeout));
    return std::unique_ptr<DbusClient>(new DbusClient(
        std::move(context), ObjectPtr<GDBusConnection>(pending->connection), timeout));
}

DbusClient::DbusClient(MainContextPtr context, ObjectPtr<GDBusConnection> connection,
                       std::chrono::milliseconds timeout)
    : m_context(std::move(context)), m_connection(std::move(connection)), m_timeout(timeout) {}

DbusClient::~DbusClient() = default;

std::vector<Reply> DbusClient::call_all(std::vector<MethodCall> calls) {
    ContextScope scope(m_context.get());
    auto batch = std::make_shared<Batch>();
    batch->replies.resize(calls.size());
    batch->outstanding = calls.size();
    ObjectPtr<GCancellable> cancellable(g_cancellable_new());
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const MethodCall& c = calls[i];
        // G_MAXINT = no GDBus timer per call: one deadline for the whole batch
        // (all calls leave at once) is cheaper than 1000 timer sources.
        g_dbus_connection_call(m_connection.get(), c.destination.c_str(), c.path.c_str(),
                               c.interface, c.method, c.parameters,
                               c.reply_type != nullptr ? G_VARIANT_TYPE(c.reply_type) : nullptr,
                               G_DBUS_CALL_FLAGS_NO_AUTO_START, G_MAXINT, cancellable.get(),
                               on_reply, new CallTag{batch, i});
    }
    const auto done = [&] { return batch->outstanding == 0; };
    if (!iterate_until(m_context.get(), done, Clock::now() + m_timeout)) {
        // Deadline: cancelled calls complete promptly with G_IO_ERROR_CANCELLED,
        // which map_gerror reports as the deadline; a call that still has not
        // completed after that gets G_IO_ERROR_TIMED_OUT below.
        g_cancellable_cancel(cancellable.get());
        iterate_until(m_context.get(), done, Clock::now() + std::chrono::milliseconds(200));
    }
    std::vector<Reply> replies;
    replies.reserve(calls.size());
    for (auto& reply : batch->replies) {
        replies.push_back(reply ? std::move(*reply) : Reply(pat::fail(timed_out_error())));
    }
    return replies;
}

Reply DbusClient::call(MethodCall call) {
    std::vector<MethodCall> calls;
    calls.push_back(std::move(call));
    return std::move(call_all(std::move(calls)).front());
}

}  // namespace pat::platform::ss
