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
#include "tokenclient/http_transport.hpp"
// Callers build their request URLs with these (parse_url, url_encode, …).
#include "tokenclient/url.hpp"

namespace pat::tokenclient {

// Sends one request through automatic_http_transport() (http_transport.hpp,
// which states the contract), for callers that never need another one.
err::Result<HttpResponse> http_send(const HttpRequest& request);

// The deadline for the next request of an operation with a total budget:
// min(per_request, time left until `until`), or nullopt when none is left.
std::optional<std::chrono::milliseconds> request_deadline(
    std::chrono::milliseconds per_request,
    std::optional<std::chrono::steady_clock::time_point> until);

// service_unreachable for an operation whose time budget ran out.
err::Error budget_exhausted(std::string_view what);

}  // namespace pat::tokenclient
