#include "patd/http/api.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/log.hpp"
#include "patd/console/console.hpp"
#include "patd/http/client_address.hpp"
#include "patd/http/reply.hpp"

namespace pat::http {

Api::Api(patd::TokenService& service, const jwt::Es256Signer& signer, ApiOptions options,
         const Clock& clock)
    : m_token_cache(options.token_reuse_seconds >= 0
                        ? options.token_reuse_seconds
                        : std::min<std::int64_t>(30, (options.token_ttl_seconds - 60) / 2)),
      m_ctx{service, signer, std::move(options), clock, m_metrics, m_token_cache} {
    add_ops_routes(m_router, m_ctx);
    add_user_routes(m_router, m_ctx);
    add_access_token_routes(m_router, m_ctx);
    add_audit_routes(m_router, m_ctx);
    add_credential_routes(m_router, m_ctx);
    add_registry_token_routes(m_router, m_ctx);
    add_oidc_routes(m_router, m_ctx);
    console::add_console_routes(m_router, m_ctx);
}

Response Api::handle(Request& req) {
    const auto start = std::chrono::steady_clock::now();
    std::string peer;
    if (!m_ctx.options.trusted_proxies.empty()) {
        std::vector<std::string_view> forwarded;
        for (const auto& [name, value] : req.headers)
            if (name == "x-forwarded-for") forwarded.push_back(value);
        peer = req.client_ip;
        req.client_ip = client_address(peer, forwarded, m_ctx.options.trusted_proxies);
        if (peer == req.client_ip) peer.clear();
    }
    std::string route;
    Response res = m_router.dispatch(req, route);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    record(req.method, route, res.status, took.count(), req.client_ip, peer);
    return res;
}

bool Api::checks_password(const Request& req) const {
    return http::checks_password(req, m_ctx.service);
}

Response Api::reject(int status, std::string_view client_ip) {
    record("-", "-", status, 0.0, client_ip);
    auto res = error_reply(status, reject_detail(status));
    if (status == 429 || status == 503) res.headers.emplace_back("Retry-After", "1");
    return res;
}

void Api::record(std::string_view method, const std::string& route, int status, double duration_ms,
                 std::string_view client_ip, std::string_view peer_ip) {
    m_metrics.count(route, status);
    if (log::level() > log::Level::info) return;
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", duration_ms);
    // A method is any token a client likes; log only the ones we know, so
    // nothing a client chose verbatim reaches the log.
    static constexpr std::string_view k_methods[] = {"GET",    "POST", "PUT",     "PATCH",
                                                     "DELETE", "HEAD", "OPTIONS", "-"};
    const bool known =
        std::find(std::begin(k_methods), std::end(k_methods), method) != std::end(k_methods);
    std::string line = "request method=";
    line.append(known ? method : "other").append(" route=").append(route);
    line.append(" status=").append(std::to_string(status));
    line.append(" duration_ms=").append(ms).append(" client=").append(client_ip);
    if (!peer_ip.empty()) line.append(" via=").append(peer_ip);
    log::info(line);
}

}  // namespace pat::http
