// http_send: the direct transport for local plain HTTP (direct_http.hpp),
// libcurl for the rest (curl_http.hpp), and the deadline helpers callers
// share.
#include "tokenclient/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <string>

#include "tokenclient/curl_http.hpp"
#include "tokenclient/direct_http.hpp"

namespace pat::tokenclient {
namespace {
std::atomic<HttpTransport> g_transport{HttpTransport::automatic};
}  // namespace

void set_http_transport(HttpTransport transport) {
    g_transport.store(transport);
}

err::Result<HttpResponse> http_send(const HttpRequest& request) {
    if (g_transport.load() == HttpTransport::automatic && direct_http_eligible(request.url))
        return direct_http_send(request);
    return curl_http_send(request);
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
