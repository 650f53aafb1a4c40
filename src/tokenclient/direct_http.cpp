// direct_http_send: one HTTP/1.1 exchange over Boost.Beast on a private
// io_context (see direct_http.hpp for when it is used and why). The three
// steps — connect, write, read — share one absolute expiry on the stream, so
// the request's deadline is a total deadline, as with libcurl.
#include "tokenclient/direct_http.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "common/base64.hpp"
#include "common/url_split.hpp"
#include "common/wiping_allocator.hpp"
#include "tokenclient/url.hpp"

namespace pat::tokenclient {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

constexpr std::size_t k_max_body = std::size_t{1024} * 1024;
constexpr std::size_t k_max_header = std::size_t{64} * 1024;

// Reply bodies can be secrets (a login's session, a generated PAT), so the
// read buffer and the parser's body wipe every allocation they give back.
using WipingBody = http::basic_string_body<char, std::char_traits<char>, WipingAllocator<char>>;
using WipingBuffer = beast::basic_flat_buffer<WipingAllocator<char>>;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool env_set(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
}

// The addresses to try, or nullopt when the host needs DNS.
std::optional<std::vector<tcp::endpoint>> endpoints_of(const UrlParts& url) {
    unsigned long port = 80;
    if (!url.port.empty()) {
        port = std::strtoul(url.port.c_str(), nullptr, 10);
        if (port == 0 || port > 65535) return std::nullopt;
    }
    const auto p = static_cast<unsigned short>(port);
    if (lower(url.host) == "localhost")  // RFC 6761: always loopback, never looked up
        return std::vector{tcp::endpoint(net::ip::address_v4::loopback(), p),
                           tcp::endpoint(net::ip::address_v6::loopback(), p)};
    std::string host = url.host;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) return std::nullopt;
    return std::vector{tcp::endpoint(address, p)};
}

// The request target: path and query as written, "/" when absent; nullopt
// when it holds bytes that cannot go on a request line.
std::optional<std::string> target_of(const UrlSplit& url) {
    // path and query are adjacent in the URL: one view over both.
    const char* start = url.path.empty() ? url.query.data() : url.path.data();
    const std::string_view target(start, url.path.size() + url.query.size());
    if (target.empty()) return std::string("/");
    if (std::any_of(target.begin(), target.end(),
                    [](unsigned char c) { return c <= 0x20 || c >= 0x7f; }))
        return std::nullopt;
    std::string out(target);
    if (out.front() == '?') out.insert(0, "/");
    return out;
}

bool header_safe(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// The request head. It may carry Basic credentials or a bearer session, so
// it lives in wiping memory.
std::optional<WipingString> request_head(const HttpRequest& request, const UrlParts& url,
                                         const std::string& target) {
    WipingString head;
    head.reserve(1024);  // the usual head fits: no reallocation to wipe
    head.append(request.method).append(" ").append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(url.host);
    if (!url.port.empty()) head.append(":").append(url.port);
    head.append("\r\nUser-Agent: docker-credential-pat\r\nAccept: */*\r\n");
    for (const auto& [name, value] : request.headers) {
        if (!header_safe(name) || !header_safe(value)) return std::nullopt;
        head.append(name).append(": ").append(value).append("\r\n");
    }
    if (request.basic) {
        WipingString pair(request.basic->username.begin(), request.basic->username.end());
        pair.push_back(':');
        if (request.basic->password != nullptr) pair.append(request.basic->password->reveal());
        std::string encoded = base64_encode(std::string_view(pair.data(), pair.size()));
        head.append("Authorization: Basic ").append(encoded).append("\r\n");
        wipe_string(encoded);
    } else if (request.bearer != nullptr) {
        if (!header_safe(request.bearer->reveal())) return std::nullopt;
        head.append("Authorization: Bearer ").append(request.bearer->reveal()).append("\r\n");
    }
    if (request.method != "GET" || !request.body.empty())
        head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    // One request per process: no point keeping the connection.
    head.append("Connection: close\r\n\r\n");
    return head;
}

// What the direct transport needs of a URL: nullopt unless it is http://
// to an IP literal or localhost, without user info, with a sendable target.
struct DirectUrl {
    UrlParts parts;
    std::vector<tcp::endpoint> endpoints;
    std::string target;
};

std::optional<DirectUrl> direct_url(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts || parts->scheme != "http") return std::nullopt;
    const UrlSplit split = split_url(url);
    if (!split.userinfo.empty()) return std::nullopt;  // user info: libcurl's business
    auto endpoints = endpoints_of(*parts);
    auto target = target_of(split);
    if (!endpoints || !target) return std::nullopt;
    return DirectUrl{std::move(*parts), std::move(*endpoints), std::move(*target)};
}

err::Error unreachable(const std::string& url, const std::string& why) {
    return {err::Errc::service_unreachable,
            "token service " + url_endpoint(url) + " is unreachable: " + why};
}

}  // namespace

bool direct_http_eligible(std::string_view url) {
    if (env_set("http_proxy") || env_set("all_proxy") || env_set("ALL_PROXY")) return false;
    return direct_url(url).has_value();
}

err::Result<HttpResponse> direct_http_send(const HttpRequest& request) {
    const auto url = direct_url(request.url);
    if (!url)
        return fail(err::Error{err::Errc::bad_input,
                               "not a URL for the direct transport: " + url_endpoint(request.url)});
    auto head = request_head(request, url->parts, url->target);
    if (!head)
        return fail(err::Error{
            err::Errc::bad_input,
            "a request header holds a line break; not sent to " + url_endpoint(request.url)});

    const auto deadline = std::max(request.deadline, std::chrono::milliseconds(1));
    const auto until = std::chrono::steady_clock::now() + deadline;
    error_code failure;
    bool connected = false;
    WipingBuffer buffer;
    // A parser per message: an interim 1xx reply (100 Continue, 103 Early
    // Hints) is skipped and the final one is read with a fresh parser.
    std::optional<http::response_parser<WipingBody>> parser;
    const auto fresh_parser = [&parser] {
        parser.emplace();
        parser->body_limit(k_max_body);
        parser->header_limit(static_cast<std::uint32_t>(k_max_header));
    };
    fresh_parser();
    int interim_replies = 0;
    const std::array<net::const_buffer, 2> out{net::buffer(head->data(), head->size()),
                                               net::buffer(request.body)};
    try {
        net::io_context io(1);
        beast::tcp_stream stream(io);
        std::function<void()> read_reply = [&] {
            stream.expires_at(until);
            http::async_read(stream, buffer, *parser, [&](error_code read_ec, std::size_t /*n*/) {
                const unsigned status = read_ec ? 0 : parser->get().result_int();
                if (status >= 100 && status < 200 && status != 101 && ++interim_replies <= 8) {
                    fresh_parser();
                    read_reply();
                    return;
                }
                failure = read_ec;
            });
        };
        stream.expires_at(until);
        stream.async_connect(url->endpoints, [&](error_code ec, const tcp::endpoint& /*peer*/) {
            if (ec) {
                failure = ec;
                return;
            }
            connected = true;
            stream.expires_at(until);
            net::async_write(stream, out, [&](error_code write_ec, std::size_t /*n*/) {
                if (write_ec) {
                    failure = write_ec;
                    return;
                }
                read_reply();
            });
        });
        io.run();
    } catch (const std::exception& e) {  // io_context or socket setup: out of fds or memory
        return fail(unreachable(request.url, e.what()));
    }

    if (failure == beast::error::timeout)
        return fail(unreachable(request.url,
                                "no answer within " + std::to_string(deadline.count()) + " ms"));
    if (failure == http::error::body_limit)
        return fail(err::Error{
            err::Errc::service_failure,
            "token service " + url_endpoint(request.url) + " sent a reply larger than 1 MiB"});
    if (failure && !connected)
        return fail(unreachable(request.url, "could not connect (" + failure.message() + ")"));
    if (failure == http::error::partial_message)
        return fail(unreachable(request.url, "the reply was cut off"));
    if (failure && failure.category() == make_error_code(http::error::bad_version).category())
        return fail(unreachable(request.url, "not a valid HTTP reply (" + failure.message() + ")"));
    if (failure)
        return fail(unreachable(request.url, "connection failed (" + failure.message() + ")"));

    const auto& message = parser->get();
    // Beast reads any three digits; a status must be 100-599 (RFC 9110
    // §15), and callers branch on it, so 099 or 600 is not a reply.
    if (message.result_int() < 100 || message.result_int() > 599)
        return fail(unreachable(request.url, "not a valid HTTP reply (status " +
                                                 std::to_string(message.result_int()) + ")"));
    HttpResponse response;
    response.status = static_cast<long>(message.result_int());
    for (const auto& field : message)
        response.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    response.body.assign(message.body().begin(), message.body().end());
    return response;
}

}  // namespace pat::tokenclient
