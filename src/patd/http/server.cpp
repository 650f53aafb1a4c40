// The only translation unit that instantiates Beast/Asio templates.
#include "patd/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/log.hpp"
#include "common/secret.hpp"
#include "patd/domain/ip_address.hpp"

namespace pat::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

class Session;

// Shared by the acceptor and every session.
struct Shared {
    ServerOptions options;
    Handler handler;
    RejectHandler reject;
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::unordered_set<Session*> sessions;
    // Open connections, in total and per source (under `mutex`).
    std::size_t open = 0;
    std::unordered_map<std::string, std::size_t> per_source;
    // Slow requests queued or running on `slow_pool` (null: none).
    std::atomic<std::size_t> slow_in_flight{0};
    net::thread_pool* slow_pool = nullptr;

    // 0 when a connection from `ip` (counted as `source`) may open, else the
    // status to refuse it with.
    int admit(const std::string& source, const std::string& ip) {
        const bool exempt = options.exempt_from_address_cap && options.exempt_from_address_cap(ip);
        std::lock_guard lock(mutex);
        if (open >= options.max_connections) return 503;
        const auto it = per_source.find(source);
        const std::size_t from_source = it == per_source.end() ? 0 : it->second;
        if (!exempt && from_source >= options.max_connections_per_address) return 429;
        ++per_source[source];
        ++open;
        return 0;
    }
    void release(const std::string& source) {
        std::lock_guard lock(mutex);
        --open;
        if (const auto it = per_source.find(source); it != per_source.end() && --it->second == 0)
            per_source.erase(it);
    }
};

// Maps a parse error to the status we answer with (0 = close silently).
int status_for(const beast::error_code& ec, bool received_anything) {
    if (ec == bhttp::error::body_limit) return 413;
    if (ec == bhttp::error::header_limit) return 431;
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == bhttp::error::partial_message)
        return 0;
    if (ec == beast::error::timeout) return received_anything ? 408 : 0;
    return 400;
}

// RFC 9112 §6.1 and §6.3: patd understands the transfer coding "chunked"
// only. Any other (or a list, or one in an HTTP/1.0 request) leaves the body
// length unknown, so the request is refused and the connection closed
// rather than reading the body as the next request.
bool framing_understood(const bhttp::request_parser<bhttp::string_body>::value_type& req) {
    bool seen = false;
    for (const auto& field : req) {
        if (field.name() != bhttp::field::transfer_encoding) continue;
        std::string_view value = field.value();
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        if (seen || !beast::iequals(value, "chunked")) return false;
        seen = true;
    }
    return !seen || req.version() >= 11;
}

std::string_view reason_phrase(int status) {
    return status == 429 ? "Too Many Requests" : "Service Unavailable";
}

// Answers a connection over a cap at once and closes it, without a session:
// one non-blocking send of a small reply, best effort.
void refuse(tcp::socket& socket, const Response& res, int status) {
    std::string wire =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    if (!res.content_type.empty()) wire += "Content-Type: " + res.content_type + "\r\n";
    for (const auto& [name, value] : res.headers) wire += name + ": " + value + "\r\n";
    wire += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n";
    wire += res.body;
    beast::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) socket.send(net::buffer(wire), 0, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, Shared& shared, std::string client_ip, std::string source)
        : m_stream(std::move(socket)),
          m_shared(shared),
          m_client_ip(std::move(client_ip)),
          m_source(std::move(source)) {
        std::lock_guard lock(m_shared.mutex);
        m_shared.sessions.insert(this);
    }
    ~Session() {
        {
            std::lock_guard lock(m_shared.mutex);
            m_shared.sessions.erase(this);
        }
        m_shared.release(m_source);
    }

    void start() {
        net::dispatch(m_stream.get_executor(),
                      [self = shared_from_this()] { self->read_header(); });
    }

    // Runs on the session's thread after stop(): an idle connection closes at
    // once; one with a request in progress finishes it first.
    void on_stop() {
        if (m_idle) {
            beast::error_code ec;
            m_stream.socket().cancel(ec);
        }
    }

    std::shared_ptr<Session> lock() { return weak_from_this().lock(); }
    net::any_io_executor executor() { return m_stream.get_executor(); }

  private:
    void read_header() {
        if (m_shared.stopping) return close();
        m_parser.emplace();
        m_parser->header_limit(m_shared.options.header_limit);
        m_parser->body_limit(m_shared.options.body_limit);
        // Between requests a connection may idle for idle_timeout; the
        // header deadline starts with the next request's first byte.
        if (m_requests > 0 && m_buffer.size() == 0) return wait_for_request();
        read_header_bytes();
    }

    void wait_for_request() {
        m_idle = true;
        m_stream.expires_after(m_shared.options.idle_timeout);
        m_stream.async_read_some(m_buffer.prepare(4096),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                     self->m_idle = false;
                                     if (ec)
                                         return self->close();  // idle timeout, hang-up or shutdown
                                     self->m_buffer.commit(n);
                                     self->read_header_bytes();
                                 });
    }

    void read_header_bytes() {
        m_idle = m_buffer.size() == 0;
        // Counted from the accept or the first byte, so a client trickling a
        // header cannot hold the connection (and its descriptor) for long.
        m_stream.expires_after(m_shared.options.header_timeout);
        bhttp::async_read_header(m_stream, m_buffer, *m_parser,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     self->on_header(ec);
                                 });
    }

    void on_header(beast::error_code ec) {
        m_idle = false;
        if (ec) return fail(ec);
        auto& req = m_parser->get();
        if (!framing_understood(req)) {
            m_linger = true;
            return send(m_shared.reject(400, m_client_ip), /*close_after=*/true);
        }
        // A request without a body (GET /token) is complete already: skip
        // the second read operation on the hot path.
        if (m_parser->is_done()) return handle();
        m_stream.expires_after(m_shared.options.read_timeout);
        if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
            // curl waits a second for this before sending a body > 1 KiB.
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, req.version());
            bhttp::async_write(
                m_stream, *cont,
                [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                    if (wec) return self->close();
                    self->m_stream.expires_after(self->m_shared.options.read_timeout);
                    self->read_body();
                });
            return;
        }
        read_body();
    }

    void read_body() {
        bhttp::async_read(m_stream, m_buffer, *m_parser,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->fail(ec);
                              self->handle();
                          });
    }

    void fail(const beast::error_code& ec) {
        const int status = status_for(ec, m_buffer.size() > 0 || m_parser->got_some());
        if (status == 0) return close();
        // Unread request bytes may follow: drain them before closing.
        m_linger = true;
        send(m_shared.reject(status, m_client_ip), /*close_after=*/true);
    }

    void handle() {
        ++m_requests;
        auto& in = m_parser->get();
        Request req;
        req.method = std::string(in.method_string());
        req.target = std::string(in.target());
        const auto q = req.target.find('?');
        req.path = req.target.substr(0, q);
        if (q != std::string::npos) req.query = req.target.substr(q + 1);
        req.headers.reserve(8);
        for (const auto& field : in) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            req.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        req.body = std::move(in.body());
        req.client_ip = m_client_ip;
        req.keep_alive = in.keep_alive();
        const unsigned version = in.version();
        m_parser.reset();
        if (m_shared.slow_pool && m_shared.options.is_slow && m_shared.options.is_slow(req))
            return handle_slow(std::move(req), version);
        Response res = respond(req);
        send(std::move(res), !req.keep_alive || m_shared.stopping, version);
    }

    // Runs the handler on the slow pool; this thread goes on serving its
    // other connections meanwhile, and the reply is sent from here again.
    void handle_slow(Request req, unsigned version) {
        if (m_shared.slow_in_flight.fetch_add(1) >= m_shared.options.slow_queue_limit) {
            --m_shared.slow_in_flight;
            wipe_string(req.body);
            return send(m_shared.reject(503, m_client_ip), !req.keep_alive || m_shared.stopping,
                        version);
        }
        // Keeps this session's io_context running (also through a graceful
        // stop) until the reply has been handed back.
        auto home = net::prefer(m_stream.get_executor(), net::execution::outstanding_work.tracked);
        net::post(*m_shared.slow_pool, [self = shared_from_this(), req = std::move(req), version,
                                        home = std::move(home)]() mutable {
            Response res = self->respond(req);
            wipe_string(req.body);
            --self->m_shared.slow_in_flight;
            const bool keep_alive = req.keep_alive;
            net::post(home, [self, res = std::move(res), keep_alive, version]() mutable {
                self->send(std::move(res), !keep_alive || self->m_shared.stopping, version);
            });
        });
    }

    Response respond(Request& req) {
        try {
            return m_shared.handler(req);
        } catch (const std::exception&) {
            log::error("request handler failed unexpectedly");
            return m_shared.reject(500, m_client_ip);
        }
    }

    void send(Response res, bool close_after, unsigned version = 11) {
        m_close = close_after;
        m_res = {};
        m_res.version(version);
        m_res.result(static_cast<unsigned>(res.status));
        if (!res.content_type.empty()) m_res.set(bhttp::field::content_type, res.content_type);
        // insert, not set: a field may repeat (the console's sign-in sends
        // two Set-Cookie fields, RFC 6265 §3).
        for (auto& [name, value] : res.headers) m_res.insert(name, value);
        m_res.body() = std::move(res.body);
        m_res.keep_alive(!close_after);
        m_res.prepare_payload();
        m_stream.expires_after(m_shared.options.write_timeout);
        bhttp::async_write(m_stream, m_res,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->close();
                               if (self->m_close && self->m_linger) return self->linger_close();
                               if (self->m_close) return self->close();
                               self->read_header();
                           });
    }

    // Half-closes, then drains what the client still sends for a moment, so
    // the kernel does not answer unread bytes with a RST that would destroy
    // our error reply before the client reads it.
    void linger_close() {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close();
        m_stream.expires_after(std::chrono::seconds(2));
        drain(0);
    }

    void drain(std::size_t drained) {
        m_stream.async_read_some(net::buffer(m_scratch), [self = shared_from_this(), drained](
                                                             beast::error_code ec, std::size_t n) {
            if (ec || drained + n > std::size_t{1024} * 1024) return self->close();
            self->drain(drained + n);
        });
    }

    void close() {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        m_stream.socket().close(ec);
    }

    beast::tcp_stream m_stream;
    Shared& m_shared;
    beast::flat_buffer m_buffer;
    std::optional<bhttp::request_parser<bhttp::string_body>> m_parser;
    bhttp::response<bhttp::string_body> m_res;
    std::array<char, 8192> m_scratch{};
    std::string m_client_ip;
    std::string m_source;  // what the connection caps count it under
    std::size_t m_requests = 0;
    bool m_close = false;
    bool m_linger = false;
    bool m_idle = false;
};

// The peer as text; an IPv4-mapped IPv6 peer (a dual-stack listener) as IPv4.
std::string peer_address(const tcp::socket& socket) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return "unknown";
    const auto address = remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

}  // namespace

// One io_context per worker thread, each run by exactly that thread: sessions
// are spread round-robin over them and never change thread, so no strand or
// reactor lock is needed on the hot path (a shared io_context with N threads
// spent a measurable share of /token in futex and epoll contention).
struct Server::Impl {
    Impl(int threads, int slow_threads) : shared() {
        for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
        acceptor.emplace(*contexts.front());
        accept_backoff.emplace(*contexts.front());
        signals.emplace(*contexts.front());
        if (slow_threads > 0) {
            slow_pool.emplace(static_cast<std::size_t>(slow_threads));
            shared.slow_pool = &*slow_pool;
        }
    }

    net::io_context& next_context() {
        net::io_context& ctx = *contexts[next % contexts.size()];
        ++next;
        return ctx;
    }

    void accept() {
        acceptor->async_accept(next_context(), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || shared.stopping) return;
            if (ec) {
                // Out of descriptors (EMFILE) or similar: retry shortly
                // instead of spinning on an error that is still there.
                log::warn("accept failed: " + ec.message());
                accept_backoff->expires_after(std::chrono::milliseconds(100));
                accept_backoff->async_wait([this](beast::error_code wec) {
                    if (!wec && !shared.stopping) accept();
                });
                return;
            }
            std::string ip = peer_address(socket);
            std::string source = patd::source_key(ip);
            if (const int status = shared.admit(source, ip); status != 0) {
                refuse(socket, shared.reject(status, ip), status);
                return accept();
            }
            beast::error_code nd;
            socket.set_option(tcp::no_delay(true), nd);
            std::make_shared<Session>(std::move(socket), shared, std::move(ip), std::move(source))
                ->start();
            accept();
        });
    }

    void begin_stop() {
        if (shared.stopping.exchange(true)) return;
        net::post(acceptor->get_executor(), [this] {
            beast::error_code ec;
            acceptor->close(ec);
            accept_backoff->cancel();
        });
        net::post(signals->get_executor(), [this] {
            beast::error_code ec;
            signals->cancel(ec);
        });
        std::vector<std::shared_ptr<Session>> live;
        {
            std::lock_guard lock(shared.mutex);
            for (Session* s : shared.sessions) {
                if (auto p = s->lock()) live.push_back(std::move(p));
            }
        }
        for (auto& s : live) net::post(s->executor(), [s] { s->on_stop(); });
        std::lock_guard lock(grace_mutex);
        grace_started = true;
        grace_cv.notify_all();
    }

    void stop_contexts() {
        for (auto& ctx : contexts) ctx->stop();
    }

    // Declared first so it outlives the io_contexts: after a forced stop a
    // context's destructor destroys pending handlers, whose sessions
    // unregister themselves from `shared`.
    Shared shared;
    std::vector<std::unique_ptr<net::io_context>> contexts;
    std::size_t next = 0;  // only touched by the acceptor's thread
    std::optional<tcp::acceptor> acceptor;
    std::optional<net::steady_timer> accept_backoff;
    std::optional<net::signal_set> signals;
    // After the contexts, so it is destroyed first: its pending work holds
    // sessions, whose sockets belong to the contexts.
    std::optional<net::thread_pool> slow_pool;
    std::mutex grace_mutex;
    std::condition_variable grace_cv;
    bool grace_started = false;
    bool finished = false;
};

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>, std::string> Server::bind(const ServerOptions& options,
                                                          Handler handler, RejectHandler reject) {
    auto impl = std::make_unique<Impl>(std::max(1, options.threads),
                                       options.is_slow ? std::max(1, options.slow_threads) : 0);
    impl->shared.options = options;
    auto& o = impl->shared.options;
    o.max_connections = std::max<std::size_t>(1, o.max_connections);
    o.max_connections_per_address = std::max<std::size_t>(1, o.max_connections_per_address);
    o.slow_queue_limit = std::max<std::size_t>(1, o.slow_queue_limit);
    impl->shared.handler = std::move(handler);
    impl->shared.reject = std::move(reject);
    beast::error_code ec;
    const auto address = net::ip::make_address(options.host, ec);
    if (ec) return fail("invalid listen address '" + options.host + "'");
    const tcp::endpoint endpoint(address, options.port);
    auto& acc = *impl->acceptor;
    acc.open(endpoint.protocol(), ec);
    if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(endpoint, ec);
    if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return fail("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                    ec.message());
    }
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::local_address() const {
    beast::error_code ec;
    const auto ep = m_impl->acceptor->local_endpoint(ec);
    if (ec) return {};
    const auto addr = ep.address();
    const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return host + ":" + std::to_string(ep.port());
}

void Server::run() {
    Impl& impl = *m_impl;
    impl.signals->add(SIGTERM);
    impl.signals->add(SIGINT);
    impl.signals->async_wait([&impl](beast::error_code ec, int) {
        if (!ec) impl.begin_stop();
    });
    impl.accept();
    // Bounds the graceful phase: whatever is still busy after the grace
    // period (a client trickling a body) is dropped.
    std::thread watchdog([&impl] {
        std::unique_lock lock(impl.grace_mutex);
        impl.grace_cv.wait(lock, [&] { return impl.grace_started || impl.finished; });
        if (impl.finished) return;
        if (!impl.grace_cv.wait_for(lock, impl.shared.options.shutdown_grace,
                                    [&] { return impl.finished; }))
            impl.stop_contexts();
    });
    // A context with no work would return from run() at once: keep every
    // one running until the server stops (the guards go on stop below).
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    for (auto& ctx : impl.contexts) guards.push_back(net::make_work_guard(*ctx));
    std::thread releaser([&impl, &guards] {
        std::unique_lock lock(impl.grace_mutex);
        impl.grace_cv.wait(lock, [&] { return impl.grace_started || impl.finished; });
        for (auto& g : guards) g.reset();
    });
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < impl.contexts.size(); ++i) {
        pool.emplace_back([&impl, i] { impl.contexts[i]->run(); });
    }
    impl.contexts.front()->run();
    for (auto& t : pool) t.join();
    // Password checks still queued when a forced stop came: let them end
    // (their replies are dropped with their stopped contexts).
    if (impl.slow_pool) impl.slow_pool->join();
    {
        std::lock_guard lock(impl.grace_mutex);
        impl.finished = true;
        impl.grace_cv.notify_all();
    }
    watchdog.join();
    releaser.join();
}

void Server::stop() {
    m_impl->begin_stop();
}

}  // namespace pat::http
