// http_send over the automatic transport, and the deadline helpers callers
// share.
#include "tokenclient/http_client.hpp"

#include <algorithm>
#include <string>

namespace pat::tokenclient {
err::Result<HttpResponse> http_send(const HttpRequest& request) {
    return automatic_http_transport().send(request);
}

std::optional<std::chrono::milliseconds> request_deadline(
    std::chrono::milliseconds per_request,
    std::optional<std::chrono::steady_clock::time_point> until) {
    if (!until) return per_request;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    return std::min(per_request, left);
}

err::Error budget_exhausted(std::string_view what) {
    return {err::Errc::service_unreachable,
            "token service: no time left for " + std::string(what) + " (deadline passed)"};
}

}  // namespace pat::tokenclient
