#pragma once
// The helper's HTTP transport: libcurl's easy interface (one handle per
// call, RAII), or for a local plain-HTTP service the direct Beast transport
// of direct_http.hpp, which spares a short-lived process loading libcurl.
// Every call has a total deadline: nothing waits longer, a service that
// accepts and never answers is `service_unreachable` at the deadline. Never
// logs headers or bodies; Basic credentials come from a Secret and our
// copies are wiped after the call.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret.hpp"
#include "credentials/errors.hpp"

namespace pat::tokenclient {

struct BasicAuth {
    std::string username;
    const Secret* password = nullptr;  // borrowed; must outlive the call
};

struct HttpRequest {
    std::string method = "GET";  // GET, POST, PATCH, DELETE
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Type
    std::string body;
    std::optional<BasicAuth> basic;
    const Secret* bearer = nullptr;  // "Authorization: Bearer …" (patd session), borrowed
    std::chrono::milliseconds deadline{2000};
};

struct HttpResponse {
    long status = 0;
    std::string body;  // capped at 1 MiB; more is service_failure
    // Header names lower-cased; repeated headers kept in order.
    std::vector<std::pair<std::string, std::string>> headers;

    // The first header with this lower-case name, or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

// Sends one request. Transport failures (refused, DNS, TLS, deadline) are
// Errc::service_unreachable with a message naming scheme://host:port only;
// any HTTP status is a successful Result. Follows no redirects.
cred::Result<HttpResponse> http_send(const HttpRequest& request);

// The deadline for the next request of an operation with a total budget:
// min(per_request, time left until `until`), or nullopt when none is left.
std::optional<std::chrono::milliseconds> request_deadline(
    std::chrono::milliseconds per_request,
    std::optional<std::chrono::steady_clock::time_point> until);

// service_unreachable for an operation whose time budget ran out.
cred::Error budget_exhausted(std::string_view what);

// Private registries: like docker, an https request to host[:port] also
// trusts every *.crt in <root>/<host[:port]>/ (docker's
// /etc/docker/certs.d layout), on top of the system CA store. The root is
// process-wide; tests point it at a temp dir.
inline constexpr const char* k_docker_certs_root = "/etc/docker/certs.d";
void set_docker_certs_root(std::string root);

// Which transport http_send uses: `automatic` is the direct one for local
// plain HTTP (direct_http.hpp) and libcurl for the rest; `libcurl` sends
// everything through libcurl. Process-wide, for tests that must cover the
// libcurl path against local services.
enum class HttpTransport { automatic, libcurl };
void set_http_transport(HttpTransport transport);

// libcurl's global init, once per process (thread-safe, idempotent).
void http_global_init();

// The parts of an absolute http(s) URL that are safe to show and to build
// on: user info, path, query and fragment dropped.
struct UrlParts {
    std::string scheme;  // lower-case
    std::string host;    // as written; an IPv6 literal keeps its brackets
    std::string port;    // as written; empty when absent
};
// nullopt unless `url` is "scheme://host[:port][/…]" with a non-empty host.
std::optional<UrlParts> parse_url(std::string_view url);

// "scheme://host[:port]" (the port only when written), e.g. patd's base URL
// from its realm; "" when `url` does not parse.
std::string url_origin(std::string_view url);

// "scheme://host:port" with the default port filled in (80, 443): how error
// messages name a service. Never contains user info, a path or a query.
std::string url_endpoint(std::string_view url);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace pat::tokenclient
