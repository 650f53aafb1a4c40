#pragma once
// The HTTP/1.1 server: Boost.Beast over Asio with keep-alive, a small thread
// pool, per-connection deadlines (slow clients cannot hold a connection open
// forever), a body and a header limit, and graceful shutdown on SIGTERM/SIGINT.
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
    // Handlers run on these threads; a password check (Argon2id, ~0.1 s)
    // occupies one, so keep a few.
    int threads = 4;
    // The whole request (header and body) must arrive within this time, and
    // an idle keep-alive connection is closed after it.
    std::chrono::milliseconds read_timeout{15000};
    std::chrono::milliseconds write_timeout{15000};
    std::size_t body_limit = std::size_t{64} * 1024;        // larger bodies get 413
    std::uint32_t header_limit = std::uint32_t{16} * 1024;  // larger headers get 431
    // After SIGTERM, connections still busy after this long are dropped.
    std::chrono::milliseconds shutdown_grace{10000};
};

// Produces the reply for a well-formed request. Must not throw for bad input;
// an exception becomes a 500 and is logged without request details.
using Handler = std::function<Response(Request&)>;
// Produces the reply for a request the server itself rejects (malformed HTTP,
// too large) with `status`; `client_ip` for logging and metrics.
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
