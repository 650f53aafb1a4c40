// Fuzz target: the HTTP reply parser of the helper's direct transport
// (tokenclient/direct_http.hpp), end to end over a real loopback socket:
// a server thread answers the request with the fuzz input, byte for byte,
// then closes. Promises checked: the call always returns (one deadline, an
// EOF ends it), a reply has a status and a body of at most 1 MiB with
// lower-cased header names, and an error is one line that names only
// scheme://host:port, never a piece of the reply (marked with k_marker).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <string>
#include <thread>

#include "fuzz_check.hpp"
#include "tokenclient/direct_http.hpp"

using namespace pat;

namespace {

constexpr std::string_view k_marker = "MARK7d3e";

// The listening socket, made once for the whole run.
struct Listener {
    int fd = -1;
    unsigned short port = 0;
    Listener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        auto* raw = reinterpret_cast<sockaddr*>(&addr);
        if (fd < 0 || ::bind(fd, raw, len) != 0 || ::listen(fd, 4) != 0 ||
            ::getsockname(fd, raw, &len) != 0)
            fuzz::broken("loopback listener");
        port = ntohs(addr.sin_port);
    }
    ~Listener() { ::close(fd); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
};

// Accepts one connection, reads the request head, writes `reply`, closes.
void answer_once(int listen_fd, std::string_view reply) {
    const int conn = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
        const ssize_t n = ::read(conn, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
    }
    std::size_t sent = 0;
    while (sent < reply.size()) {
        const ssize_t n = ::send(conn, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(conn, SHUT_WR);
    ::close(conn);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Listener listener;
    const std::string_view reply = fuzz::as_text(data, size);
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(listener.port);

    tokenclient::HttpRequest request;
    request.url = endpoint + "/v2/fuzz";
    request.deadline = std::chrono::milliseconds(2000);
    fuzz::check(tokenclient::direct_http_eligible(request.url),
                "the direct transport takes loopback URLs (is a proxy variable set?)");

    std::thread server(answer_once, listener.fd, reply);
    const auto response = tokenclient::direct_http_send(request);
    server.join();

    if (!response.ok()) {
        const std::string& message = response.error().message;
        fuzz::check(!message.empty() && message.find('\n') == std::string::npos,
                    "a transport error is one line");
        fuzz::check(message.find(endpoint) != std::string::npos,
                    "a transport error names the endpoint");
        fuzz::check(message.find(k_marker) == std::string::npos,
                    "a transport error never echoes the reply");
        return 0;
    }
    fuzz::check(response->status >= 100 && response->status <= 599, "a reply has a valid status");
    fuzz::check(response->body.size() <= std::size_t{1024} * 1024, "a reply body is at most 1 MiB");
    for (const auto& [name, value] : response->headers)
        for (const char c : name)
            fuzz::check(std::tolower(static_cast<unsigned char>(c)) == c,
                        "header names are lower-cased");
    return 0;
}
