// The direct transport (direct_http.hpp): which URLs it takes, and the exact
// bytes it sends, checked against a one-shot server on a loopback socket.
#include "tokenclient/direct_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <thread>

using namespace pat::tokenclient;

namespace {

// Sets an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value, 1);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

// Accepts one connection on 127.0.0.1, reads the request (head and a
// Content-Length body), answers `reply` and closes.
class OneShotServer {
  public:
    explicit OneShotServer(std::string reply) : m_reply(std::move(reply)) {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        REQUIRE(::bind(m_listener, reinterpret_cast<sockaddr*>(&addr), len) == 0);
        REQUIRE(::listen(m_listener, 1) == 0);
        REQUIRE(::getsockname(m_listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    OneShotServer(const OneShotServer&) = delete;
    OneShotServer& operator=(const OneShotServer&) = delete;
    ~OneShotServer() {
        if (m_thread.joinable()) m_thread.join();
        ::close(m_listener);
    }
    int port() const { return m_port; }
    // What the client sent; valid after the request returned.
    const std::string& request() {
        if (m_thread.joinable()) m_thread.join();
        return m_request;
    }

  private:
    void serve() {
        const int conn = ::accept(m_listener, nullptr, nullptr);
        if (conn < 0) return;
        char buf[4096];
        std::size_t want = std::string::npos;
        while (want == std::string::npos || m_request.size() < want) {
            const ssize_t n = ::read(conn, buf, sizeof buf);
            if (n <= 0) break;
            m_request.append(buf, static_cast<std::size_t>(n));
            const std::size_t end = m_request.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            const std::size_t cl = m_request.find("Content-Length: ");
            const std::size_t body =
                cl == std::string::npos || cl > end ? 0 : std::stoul(m_request.substr(cl + 16));
            want = end + 4 + body;
        }
        (void)!::write(conn, m_reply.data(), m_reply.size());
        ::close(conn);
    }

    std::string m_reply;
    std::string m_request;
    int m_listener = -1;
    int m_port = 0;
    std::thread m_thread;
};

}  // namespace

TEST_CASE("The direct transport takes local plain HTTP only", "[tokenclient]") {
    ::unsetenv("http_proxy");
    ::unsetenv("all_proxy");
    ::unsetenv("ALL_PROXY");
    CHECK(direct_http_eligible("http://127.0.0.1:5001/v2/access-tokens/current"));
    CHECK(direct_http_eligible("http://[::1]:5001/"));
    CHECK(direct_http_eligible("http://localhost"));
    CHECK(direct_http_eligible("HTTP://LocalHost:8080/token?service=x"));
    CHECK(direct_http_eligible("http://10.1.2.3:80"));
    CHECK_FALSE(direct_http_eligible("https://127.0.0.1:5001/"));
    CHECK_FALSE(direct_http_eligible("http://patd.example.com:5001/"));  // needs DNS
    CHECK_FALSE(direct_http_eligible("http://user:pw@127.0.0.1:5001/"));
    CHECK_FALSE(direct_http_eligible("http://127.0.0.1:0/"));
    CHECK_FALSE(direct_http_eligible("http://127.0.0.1:99999/"));
    CHECK_FALSE(direct_http_eligible("not a url"));
    {
        const ScopedEnv proxy("http_proxy", "http://proxy:3128");
        CHECK_FALSE(direct_http_eligible("http://127.0.0.1:5001/"));
    }
    {
        const ScopedEnv proxy("ALL_PROXY", "socks5://proxy:1080");
        CHECK_FALSE(direct_http_eligible("http://127.0.0.1:5001/"));
    }
    {
        // curl ignores upper-case HTTP_PROXY for http:// (CGI's "httpoxy")
        const ScopedEnv proxy("HTTP_PROXY", "http://proxy:3128");
        CHECK(direct_http_eligible("http://127.0.0.1:5001/"));
    }
}

TEST_CASE("The direct transport sends one well-formed request", "[tokenclient]") {
    OneShotServer server(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Two: a\r\nx-two: b\r\n"
        "Content-Length: 11\r\n\r\n{\"ok\":true}");
    const auto password = pat::Secret::copy_of("s3cret:with colon");
    HttpRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v2/x?a=1&b=%20#frag";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"label":"x"})";
    request.basic = BasicAuth{"alice", &password};
    auto response = direct_http_send(request);
    REQUIRE(response);
    CHECK(response->status == 201);
    CHECK(response->body == R"({"ok":true})");
    CHECK(response->header("content-type") == std::optional<std::string>("application/json"));
    CHECK(response->header("x-two") == std::optional<std::string>("a"));
    CHECK(response->headers.size() == 4);

    const std::string& sent = server.request();
    CHECK(sent.rfind("POST /v2/x?a=1&b=%20 HTTP/1.1\r\n", 0) == 0);  // no fragment
    CHECK(sent.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") !=
          std::string::npos);
    // base64("alice:s3cret:with colon")
    CHECK(sent.find("\r\nAuthorization: Basic YWxpY2U6czNjcmV0OndpdGggY29sb24=\r\n") !=
          std::string::npos);
    CHECK(sent.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
    CHECK(sent.find("\r\nContent-Length: 13\r\n") != std::string::npos);
    CHECK(sent.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(sent.substr(sent.size() - 17) == "\r\n\r\n" + request.body);
}

TEST_CASE("The direct transport sends a bearer session and no body on GET", "[tokenclient]") {
    OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    const auto session = pat::Secret::copy_of("session.jwt.value");
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(server.port());
    request.bearer = &session;
    auto response = direct_http_send(request);
    REQUIRE(response);
    CHECK(response->status == 200);
    const std::string& sent = server.request();
    CHECK(sent.rfind("GET / HTTP/1.1\r\n", 0) == 0);
    CHECK(sent.find("\r\nAuthorization: Bearer session.jwt.value\r\n") != std::string::npos);
    CHECK(sent.find("Content-Length") == std::string::npos);
}

TEST_CASE("The direct transport refuses what it must not send", "[tokenclient]") {
    HttpRequest request;
    request.url = "https://127.0.0.1:1/";
    auto refused = direct_http_send(request);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == pat::err::Errc::bad_input);

    request.url = "http://127.0.0.1:1/";
    request.headers = {{"X-Injected", "a\r\nEvil: b"}};
    auto injected = direct_http_send(request);
    REQUIRE_FALSE(injected);
    CHECK(injected.error().code == pat::err::Errc::bad_input);
    CHECK(injected.error().message.find("Evil") == std::string::npos);

    request.headers.clear();
    request.url = "http://127.0.0.1:1/a b";
    auto spaced = direct_http_send(request);
    REQUIRE_FALSE(spaced);
    CHECK(spaced.error().code == pat::err::Errc::bad_input);
}
