#pragma once
// The helper's HTTP transport: libcurl's easy interface (one handle per
// call, RAII; curl_http.hpp), or for a local plain-HTTP service the direct
// Beast transport of direct_http.hpp, which spares a short-lived process
// loading libcurl.
// Every call has a total deadline: nothing waits longer, a service that
// accepts and never answers is `service_unreachable` at the deadline. Never
// logs headers or bodies; Basic credentials come from a Secret and our
// copies are wiped after the call.

#include <chrono>
#include <optional>
#include <string_view>

#include "common/errors.hpp"
#include "tokenclient/http_message.hpp"
// Callers build their request URLs with these (parse_url, url_encode, …).
#include "tokenclient/url.hpp"

namespace pat::tokenclient {

// Sends one request. Transport failures (refused, DNS, TLS, deadline) are
// Errc::service_unreachable with a message naming scheme://host:port only;
// any HTTP status is a successful Result. Follows no redirects.
err::Result<HttpResponse> http_send(const HttpRequest& request);

// The deadline for the next request of an operation with a total budget:
// min(per_request, time left until `until`), or nullopt when none is left.
std::optional<std::chrono::milliseconds> request_deadline(
    std::chrono::milliseconds per_request,
    std::optional<std::chrono::steady_clock::time_point> until);

// service_unreachable for an operation whose time budget ran out.
err::Error budget_exhausted(std::string_view what);

// Which transport http_send uses: `automatic` is the direct one for local
// plain HTTP (direct_http.hpp) and libcurl for the rest; `libcurl` sends
// everything through libcurl. Process-wide, for tests that must cover the
// libcurl path against local services.
enum class HttpTransport { automatic, libcurl };
void set_http_transport(HttpTransport transport);

}  // namespace pat::tokenclient
