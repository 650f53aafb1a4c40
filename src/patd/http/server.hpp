#pragma once
// The HTTP/1.1 server: Boost.Beast over Asio with keep-alive, a small thread
// pool, a separate pool for slow (password) requests, per-connection
// deadlines and connection caps (slow or many clients cannot use up the
// descriptors), a body and a header limit, and graceful shutdown on
// SIGTERM/SIGINT.
// All Beast code lives in server.cpp; callers see only message.hpp types.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "patd/http/message.hpp"

namespace pat::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5001;  // 0 = any free port; see Server::local_address
    // Handlers run on these threads, except the password checks (below).
    int threads = 4;
    // A request's header must be complete this long after the connection
    // was accepted, or after its first byte on a kept-alive connection.
    std::chrono::milliseconds header_timeout{5000};
    // The body must arrive within this time after the header.
    std::chrono::milliseconds read_timeout{15000};
    // A kept-alive connection with no request in progress is closed after it.
    std::chrono::milliseconds idle_timeout{15000};
    std::chrono::milliseconds write_timeout{15000};
    std::size_t body_limit = std::size_t{64} * 1024;        // larger bodies get 413
    std::uint32_t header_limit = std::uint32_t{16} * 1024;  // larger headers get 431
    // Open connections at most, in total (further ones get 503 and are
    // closed at once) and per source address (an IPv4 address or IPv6 /64;
    // further ones get 429). Keep the total below the descriptor limit so
    // the database and the listener always have descriptors left.
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_address = 256;
    // Addresses the per-address cap does not apply to (trusted proxies,
    // whose connections carry many clients); null = none.
    std::function<bool(std::string_view ip)> exempt_from_address_cap;
    // Requests for which `is_slow` is true (password checks) run on their
    // own pool of `slow_threads`, so they never hold up the others; at most
    // `slow_queue_limit` of them wait or run at once, more get 503.
    std::function<bool(const Request&)> is_slow;
    int slow_threads = 2;
    std::size_t slow_queue_limit = 64;
    // After SIGTERM, connections still busy after this long are dropped.
    std::chrono::milliseconds shutdown_grace{10000};
};

// Produces the reply for a well-formed request. Must not throw for bad input;
// an exception becomes a 500 and is logged without request details.
using Handler = std::function<Response(Request&)>;
// Produces the reply for a request the server itself rejects with `status`
// (400 malformed HTTP, 413/431 too large, 408 too slow, 429/503 too many
// connections or password checks); `client_ip` for logging and metrics.
using RejectHandler = std::function<Response(int status, std::string_view client_ip)>;

class Server {
  public:
    // Binds and listens (so the port is known before run), but serves nothing
    // until run(). Fails with a message on a bad address or a busy port.
    static Result<std::unique_ptr<Server>, std::string> bind(const ServerOptions& options,
                                                             Handler handler, RejectHandler reject);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The bound address as "host:port" (the real port when 0 was asked for).
    std::string local_address() const;

    // Serves on options.threads threads until SIGTERM/SIGINT or stop(); then
    // stops accepting, lets requests in flight finish (bounded by
    // shutdown_grace) and returns.
    void run();
    // Thread-safe; also what the signal handler calls.
    void stop();

    struct Impl;

  private:
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace pat::http
