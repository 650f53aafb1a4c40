#pragma once
// The helper's HTTP transport (libcurl easy interface, one handle per call,
// RAII). Every call has a total deadline: nothing waits longer, a service
// that accepts and never answers is `service_unreachable` at the deadline.
// Never logs headers or bodies; Basic credentials go through curl's
// CURLOPT_USERNAME/PASSWORD from a Secret and are wiped after the call.

#include <chrono>
#include <optional>
#include <string>
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

// libcurl's global init, once per process (thread-safe, idempotent).
void http_global_init();

}  // namespace pat::tokenclient
