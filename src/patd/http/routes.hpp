#pragma once
// The route groups of the patd API (one file each) and what they share. Each
// handler authenticates the transport, calls one TokenService method and maps
// the result to Docker Hub's JSON shapes (docs/patd-api.md).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "patd/domain/error.hpp"
#include "patd/domain/ip_address.hpp"
#include "patd/http/message.hpp"
#include "patd/http/metrics.hpp"
#include "patd/http/router.hpp"
#include "patd/http/token_cache.hpp"
#include "patd/jwt/es256_signer.hpp"
#include "patd/service/token_service.hpp"

namespace pat::http {

struct ApiOptions {
    // Base for absolute URLs in replies (pagination); `patd serve` sets it to
    // --public-url or http://<listen address>. Never taken from the request's
    // Host header, which the client chooses. "" gives relative links.
    std::string public_url;
    std::string service = "registry";      // the registry's auth.token.service (JWT aud)
    std::string issuer = "patd";           // the registry's auth.token.issuer (JWT iss)
    std::int64_t token_ttl_seconds = 300;  // registry JWT lifetime, >= 60
    // How long a signed registry token may be handed out again for an
    // identical grant; -1 = min(30, (ttl - 60) / 2), 0 = never.
    std::int64_t token_reuse_seconds = -1;
    // The registry address the console's `docker login -u USER REGISTRY`
    // line names (--registry); "" shows the placeholder REGISTRY.
    std::string console_registry{};
    // Peers whose X-Forwarded-For names the client (--trusted-proxy).
    std::vector<patd::IpNetwork> trusted_proxies;
};

struct RouteContext {
    patd::TokenService& service;
    const jwt::Es256Signer& signer;
    ApiOptions options;
    const Clock& clock;
    HttpMetrics& metrics;
    RegistryTokenCache& token_cache;
};

// POST /v2/users/login, POST /v2/users/2fa-login.
void add_user_routes(Router& router, RouteContext& ctx);
// /v2/access-tokens…
void add_access_token_routes(Router& router, RouteContext& ctx);
// GET and POST /token.
void add_registry_token_routes(Router& router, RouteContext& ctx);
// GET /healthz, GET /metrics.
void add_ops_routes(Router& router, RouteContext& ctx);
// GET /v2/audit-logs.
void add_audit_routes(Router& router, RouteContext& ctx);
// POST /v2/credentials/revoke (leaked-token reports, no authentication).
void add_credential_routes(Router& router, RouteContext& ctx);
// Keyless CI (docs/oidc.md): POST /v2/oidc/token and /v2/oidc/revoke, and
// /v2/oidc/issuers, /v2/oidc/policies (GET /v2/oidc/tokens is with the
// access-token routes).
void add_oidc_routes(Router& router, RouteContext& ctx);

// --- helpers shared by the route files ---------------------------------------

// The client address (Request::client_ip, resolved by Api::handle), the
// User-Agent; client_id left empty.
patd::ClientInfo client_info(const Request& req);
// Maps a service error to its status and {detail, message} body (400 adds
// fields; 429 adds Retry-After; require_2fa adds login_2fa_token).
Response service_error(const patd::Error& error);
// Parses the body as a JSON object. On failure returns nullopt and sets
// `error` to a 400 naming the problem. An empty body is `{}` when
// `empty_ok`.
std::optional<nlohmann::json> json_object_body(const Request& req, Response& error,
                                               bool empty_ok = false);
// options.public_url without a trailing slash.
std::string base_url(const ApiOptions& options);
// True for the requests that check a password (Argon2id): POST
// /v2/users/login, and /token with credentials that are not PAT-shaped.
// The server runs them on its password pool so PAT requests never wait.
bool checks_password(const Request& req, const patd::TokenService& service);
// Wipes the body of a request that carried a secret (password, code).
void wipe_body(Request& req);
// A decimal query parameter (page, page_size): `fallback` when absent,
// nullopt when it is not an integer.
std::optional<long long> parse_integer_param(const std::optional<std::string>& text,
                                             long long fallback);
// An RFC 3339 string, or JSON null.
nlohmann::json time_or_null(const std::optional<patd::Timestamp>& t);
// The accessToken shape; `token` is the plaintext only in a creation reply.
// `now` decides `expires_soon` (common/expiry.hpp).
nlohmann::json token_json(const patd::AccessTokenView& view,
                          std::chrono::system_clock::time_point now, std::string_view token = {});
// 401 {"detail":"authentication required"} with WWW-Authenticate: `scheme`.
Response authentication_required(const char* scheme);
// The caller of a management route, from `Authorization: Bearer <session>`;
// nullopt with `error` set (401, 403…) when there is none.
std::optional<patd::Principal> session(RouteContext& ctx, const Request& req, Response& error);

}  // namespace pat::http
