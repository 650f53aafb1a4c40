// GET and POST /token: the Docker Registry v2 token endpoint (docs/registry-token.md).
// Errors use {"details": …}, which the docker CLI prints as
// "unauthorized: <details>" ("Errors"). Never a refresh_token ("No refresh
// tokens"): the docker CLI would store it instead of the PAT.
#include <algorithm>
#include <chrono>

#include "patd/http/parse.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"
#include "patd/jwt/registry_claims.hpp"

namespace pat::http {
namespace {

using nlohmann::json;

// The token endpoint's error shape (distribution client/errors.go), with
// the `reason` of a 401 (docs/patd-http.md "Why a 401").
Response token_error(int status, std::string_view details, std::string_view oauth_error = {},
                     patd::AuthReason reason = patd::AuthReason::none) {
    json body = {{"details", details}};
    if (!oauth_error.empty()) body["error"] = oauth_error;
    if (status == 401) {
        body["reason"] = patd::reason_name(
            reason == patd::AuthReason::none ? patd::AuthReason::bad_credentials : reason);
    }
    auto res = json_reply(status, body);
    if (status == 401) res.headers.emplace_back("WWW-Authenticate", "Basic realm=\"patd\"");
    return res;
}

Response grant_error(const patd::Error& error) {
    using patd::ErrorCode;
    switch (error.code) {
        case ErrorCode::use_pat:
            return token_error(401, patd::k_detail_use_pat, {}, error.reason);
        case ErrorCode::unauthorized:
        case ErrorCode::require_2fa:
            return token_error(
                401, error.message.empty() ? "invalid username or password" : error.message, {},
                error.reason);
        case ErrorCode::rate_limited: {
            auto res = token_error(429, error.message == patd::k_detail_rate_limited
                                            ? "too many failed login attempts, try again later"
                                            : std::string_view(error.message));
            res.headers.emplace_back(
                "Retry-After", std::to_string(std::max<long long>(1, error.retry_after.count())));
            return res;
        }
        case ErrorCode::bad_request:
            return token_error(400, error.message.empty() ? "invalid request" : error.message,
                               "invalid_request");
        default:
            return token_error(patd::http_status(error.code),
                               error.message.empty() ? "request failed" : error.message);
    }
}

Response issue(RouteContext& ctx, patd::GrantRequest& request) {
    // aud is always the configured service, whatever `service` the client
    // names: patd never signs for an audience it was not configured for, and
    // a registry with another service name simply refuses the token.
    auto grant = ctx.service.registry_grant(request);
    if (!grant) return grant_error(grant.error());
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.now().time_since_epoch())
            .count();
    std::int64_t ttl = ctx.options.token_ttl_seconds;
    if (grant->not_after) {
        // Whole seconds before the PAT's expiry: the registry token's exp is
        // never after it (an expiring PAT, e.g. one from an OIDC exchange,
        // must not buy registry access past its own end).
        const std::int64_t left =
            std::chrono::floor<std::chrono::seconds>(*grant->not_after).time_since_epoch().count() -
            now;
        if (left <= 0)
            return grant_error(patd::unauthorized("token has expired", patd::AuthReason::expired));
        ttl = std::min(ttl, left);
    }
    const std::string cache_key = RegistryTokenCache::key(*grant);
    auto cached = ctx.token_cache.find(cache_key, now);
    if (!cached) {
        jwt::RegistryClaims claims{
            ctx.options.issuer,      grant->subject, ctx.options.service, now, ttl,
            std::move(grant->access)};
        cached = RegistryTokenCache::Entry{
            ctx.signer.sign(jwt::registry_claims_json(claims, jwt::random_jti())), now, now + ttl};
        ctx.token_cache.store(cache_key, *cached);
    }
    const std::string& token = cached->jwt;
    const std::int64_t expires_in = cached->expires_at - now;
    // Built by hand: this is the hot path, and every piece is JSON-safe by
    // construction (base64url and '.', digits, an RFC 3339 time), so running
    // the ~1 KB token twice through a JSON string escaper buys nothing.
    const std::string issued_at = patd::format_rfc3339(patd::to_timestamp(
        std::chrono::system_clock::time_point(std::chrono::seconds(cached->issued_at))));
    Response res;
    res.body.reserve(2 * token.size() + 128);
    res.body.append(R"({"token":")").append(token);
    res.body.append(R"(","access_token":")").append(token);
    res.body.append(R"(","expires_in":)").append(std::to_string(expires_in));
    res.body.append(R"(,"issued_at":")").append(issued_at).append("\"}");
    return res;
}

Response get_token(RouteContext& ctx, Request& req) {
    auto query = parse_form(req.query);
    if (!query) return token_error(400, "malformed query string", "invalid_request");
    patd::GrantRequest request;
    request.client = client_info(req);
    request.client.client_id = first_param(*query, "client_id").value_or("");
    request.service = first_param(*query, "service").value_or("");
    request.scopes = all_params(*query, "scope");
    if (req.has_header("authorization")) {
        request.credentials = parse_basic_auth(req.header("authorization"));
        if (!request.credentials)
            return token_error(401, "malformed Basic credentials", {},
                               patd::AuthReason::authentication_required);
        // docker_auth rejects a mismatch too (docs/registry-token.md "GET /token").
        const auto account = first_param(*query, "account");
        if (account && !account->empty() && *account != request.credentials->username)
            return token_error(400, "account does not match the credentials", "invalid_request");
    }
    return issue(ctx, request);
}

Response post_token(RouteContext& ctx, Request& req) {
    auto form = parse_form(req.body);
    wipe_body(req);
    if (!form) return token_error(400, "malformed form body", "invalid_request");
    const auto grant_type = first_param(*form, "grant_type").value_or("");
    if (grant_type != "password") {
        // We never issue refresh tokens, so there is nothing to refresh;
        // containerd falls back to GET on 400
        // (docs/registry-token.md "POST /token").
        return token_error(400, "unsupported grant_type (only 'password' is supported)",
                           "unsupported_grant_type");
    }
    patd::GrantRequest request;
    request.client = client_info(req);
    request.client.client_id = first_param(*form, "client_id").value_or("");
    request.service = first_param(*form, "service").value_or("");
    request.scopes = all_params(*form, "scope");
    auto username = first_param(*form, "username");
    auto password = first_param(*form, "password");
    for (auto& [key, value] : *form) {
        if (key == "password") wipe_string(value);
    }
    if (!username || username->empty() || !password) {
        if (password) wipe_string(*password);
        return token_error(400, "username and password are required", "invalid_request");
    }
    request.credentials = patd::BasicCredentials{*username, Secret(std::move(*password))};
    return issue(ctx, request);
}

}  // namespace

void add_registry_token_routes(Router& router, RouteContext& ctx) {
    router.add("GET", "/token",
               [&ctx](Request& r, const PathParams&) { return get_token(ctx, r); });
    router.add("POST", "/token",
               [&ctx](Request& r, const PathParams&) { return post_token(ctx, r); });
}

}  // namespace pat::http
