#pragma once
// The patd HTTP API: every route of docs/patd-api.md behind one handler, plus
// the per-request log line and request metrics. Transport-neutral (see
// message.hpp), so tests can drive it without sockets.

#include <string_view>

#include "patd/http/message.hpp"
#include "patd/http/metrics.hpp"
#include "patd/http/router.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {

class Api {
  public:
    // `service`, `signer` and `clock` must outlive the Api.
    Api(patd::TokenService& service, const jwt::Es256Signer& signer, ApiOptions options,
        const Clock& clock = system_clock());
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    // Routes one request; logs "method route status duration client" (never
    // the query, headers or body) and counts it. First sets req.client_ip to
    // the client behind a trusted proxy (ApiOptions::trusted_proxies).
    Response handle(Request& req);
    // True when `req` will check a password (see checks_password).
    bool checks_password(const Request& req) const;
    // The JSON reply for a request the server rejected before routing
    // (malformed HTTP, limits); logged and counted under route "-".
    Response reject(int status, std::string_view client_ip);

  private:
    void record(std::string_view method, const std::string& route, int status, double duration_ms,
                std::string_view client_ip, std::string_view peer_ip = {});

    HttpMetrics m_metrics;
    RegistryTokenCache m_token_cache;
    RouteContext m_ctx;
    Router m_router;
};

}  // namespace pat::http
