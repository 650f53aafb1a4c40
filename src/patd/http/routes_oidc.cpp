// Keyless CI (docs/oidc.md): POST /v2/oidc/token exchanges a CI job's
// OpenID Connect ID token for a short-lived PAT in the shape of RFC 8693
// token exchange, POST /v2/oidc/revoke lets such a token revoke itself
// (RFC 7009 shape), and /v2/oidc/issuers, /v2/oidc/policies manage what is
// trusted. Errors of the two OAuth-shaped routes carry RFC 6749 §5.2's
// {error, error_description} beside patd's {detail, message}.
#include <charconv>

#include "patd/http/parse.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {
namespace {

using nlohmann::json;

// RFC 8693 §2.2.2: a refused subject token is invalid_request; a scope
// wider than the policy is invalid_scope (RFC 6749 §5.2).
Response oauth_error(const patd::Error& error) {
    using patd::ErrorCode;
    std::string code = "invalid_request";
    int status = 400;
    switch (error.code) {
        case ErrorCode::bad_request:
            if (error.fields.count("grant_type")) code = "unsupported_grant_type";
            if (error.fields.count("scope")) code = "invalid_scope";
            break;
        case ErrorCode::unauthorized:
            break;
        case ErrorCode::rate_limited:
            status = 429;
            code = "slow_down";
            break;
        case ErrorCode::unavailable:
            status = 503;
            code = "temporarily_unavailable";
            break;
        default:
            status = patd::http_status(error.code);
            code = "server_error";
            break;
    }
    std::string detail = error.message.empty() ? "request failed" : error.message;
    if (error.code == ErrorCode::bad_request && !error.fields.empty()) {
        const auto& [field, problem] = *error.fields.begin();
        detail = field + " " + problem;
    }
    auto res = json_reply(
        status,
        {{"error", code}, {"error_description", detail}, {"detail", detail}, {"message", detail}});
    res.headers.emplace_back("Cache-Control", "no-store");
    if (status == 429)
        res.headers.emplace_back("Retry-After",
                                 std::to_string(std::max<long long>(1, error.retry_after.count())));
    return res;
}

std::optional<Params> oauth_form(Request& req, Response& error) {
    auto form = parse_form(req.body);
    wipe_body(req);
    if (!form) error = oauth_error(patd::bad_request("body", "is not a valid form"));
    return form;
}

void wipe_params(Params& params) {
    for (auto& [key, value] : params) wipe_string(value);
}

Response exchange(RouteContext& ctx, Request& req) {
    Response error;
    auto form = oauth_form(req, error);
    if (!form) return error;
    patd::OidcExchangeRequest request;
    request.grant_type = first_param(*form, "grant_type").value_or("");
    request.subject_token_type = first_param(*form, "subject_token_type").value_or("");
    request.scope = first_param(*form, "scope").value_or("");
    request.account = first_param(*form, "account").value_or("");
    request.client = client_info(req);
    request.client.client_id = first_param(*form, "client_id").value_or("").substr(0, 64);
    const auto requested = first_param(*form, "requested_token_type").value_or("");
    if (auto token = first_param(*form, "subject_token"))
        request.subject_token = Secret(std::move(*token));
    wipe_params(*form);
    if (!requested.empty() && requested != patd::k_token_type_access_token)
        return oauth_error(patd::bad_request(
            "requested_token_type",
            "must be " + std::string(patd::k_token_type_access_token) + " (or absent)"));
    auto issued = ctx.service.exchange_oidc_token(request);
    if (!issued) return oauth_error(issued.error());
    const auto& view = issued->token.view;
    const auto expires_in = view.expires_at
                                ? std::chrono::duration_cast<std::chrono::seconds>(
                                      *view.expires_at - patd::to_timestamp(ctx.clock.now()))
                                      .count()
                                : 0;
    auto res = json_reply(200, {{"access_token", issued->token.token.reveal()},
                                {"issued_token_type", patd::k_token_type_access_token},
                                // Not a bearer token: it is the password of
                                // Basic username:token at /token (RFC 8693 §2.2.1).
                                {"token_type", "N_A"},
                                {"expires_in", std::max<long long>(0, expires_in)},
                                {"scope", patd::to_string(view.scope)},
                                {"username", issued->username},
                                {"uuid", view.uuid},
                                {"token_label", view.token_label},
                                {"expires_at", time_or_null(view.expires_at)},
                                {"policy", issued->policy_id}});
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
}

Response revoke(RouteContext& ctx, Request& req) {
    Response error;
    auto form = oauth_form(req, error);
    if (!form) return error;
    auto token = first_param(*form, "token");
    wipe_params(*form);
    if (!token || token->empty())
        return oauth_error(patd::bad_request("token", "is required (the token to revoke)"));
    const Secret secret(std::move(*token));
    auto done = ctx.service.revoke_oidc_token(secret, client_info(req));
    if (!done) return oauth_error(done.error());
    return json_reply(200, json::object());
}

json issuer_json(const patd::OidcIssuer& i) {
    return {{"id", i.id},
            {"url", i.url},
            {"audience", i.audience},
            {"created_at", patd::format_rfc3339(i.created_at)}};
}

json policy_json(const patd::OidcPolicy& p) {
    return {{"id", p.id},
            {"account", p.account},
            {"issuer", p.issuer},
            {"claims", p.claims},
            {"scope", patd::to_string(p.scope)},
            {"ttl_seconds", p.ttl.count()},
            {"created_at", patd::format_rfc3339(p.created_at)}};
}

Response list_issuers(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto all = ctx.service.list_oidc_issuers(*who);
    if (!all) return service_error(all.error());
    json results = json::array();
    for (const auto& i : *all) results.push_back(issuer_json(i));
    return json_reply(200, {{"count", results.size()}, {"results", std::move(results)}});
}

Response add_issuer(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto body = json_object_body(req, error);
    if (!body) return error;
    const auto url = body->find("url");
    const auto audience = body->find("audience");
    std::map<std::string, std::string> bad;
    if (url == body->end() || !url->is_string()) bad["url"] = "must be a string";
    if (audience != body->end() && !audience->is_string() && !audience->is_null())
        bad["audience"] = "must be a string";
    if (!bad.empty()) return validation_error("invalid issuer", bad);
    const std::string aud =
        audience != body->end() && audience->is_string() ? audience->get<std::string>() : "";
    auto added = ctx.service.add_oidc_issuer(*who, url->get<std::string>(), aud);
    if (!added) return service_error(added.error());
    return json_reply(201, issuer_json(*added));
}

Response remove_issuer(RouteContext& ctx, Request& req, const PathParams& params) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto done = ctx.service.remove_oidc_issuer(*who, params.at(0));
    if (!done) return service_error(done.error());
    return no_content();
}

Response list_policies(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto all = ctx.service.list_oidc_policies(*who);
    if (!all) return service_error(all.error());
    json results = json::array();
    for (const auto& p : *all) results.push_back(policy_json(p));
    return json_reply(200, {{"count", results.size()}, {"results", std::move(results)}});
}

Response add_policy(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto body = json_object_body(req, error);
    if (!body) return error;
    patd::NewOidcPolicy policy;
    std::map<std::string, std::string> bad;
    if (auto it = body->find("issuer"); it != body->end() && it->is_string())
        policy.issuer = it->get<std::string>();
    else
        bad["issuer"] = "must be the URL of a trusted issuer";
    if (auto it = body->find("claims"); it != body->end() && it->is_object()) {
        for (const auto& [claim, pattern] : it->items()) {
            if (!pattern.is_string()) {
                bad["claims"] = "must map claim names to strings (exact values or globs)";
                break;
            }
            policy.claims[claim] = pattern.get<std::string>();
        }
    } else {
        bad["claims"] = "must be an object of claim conditions";
    }
    if (auto it = body->find("scope"); it != body->end() && it->is_string())
        policy.scope = it->get<std::string>();
    else if (it != body->end())
        bad["scope"] = "must be a string";
    if (auto it = body->find("ttl_seconds"); it != body->end() && !it->is_null()) {
        if (it->is_number_integer())
            policy.ttl = std::chrono::seconds(it->get<std::int64_t>());
        else
            bad["ttl_seconds"] = "must be an integer";
    }
    if (!bad.empty()) return validation_error("invalid trust policy", bad);
    auto added = ctx.service.add_oidc_policy(*who, std::move(policy));
    if (!added) return service_error(added.error());
    return json_reply(201, policy_json(*added));
}

Response remove_policy(RouteContext& ctx, Request& req, const PathParams& params) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto done = ctx.service.remove_oidc_policy(*who, params.at(0));
    if (!done) return service_error(done.error());
    return no_content();
}

}  // namespace

void add_oidc_routes(Router& router, RouteContext& ctx) {
    router.add("POST", "/v2/oidc/token",
               [&ctx](Request& r, const PathParams&) { return exchange(ctx, r); });
    router.add("POST", "/v2/oidc/revoke",
               [&ctx](Request& r, const PathParams&) { return revoke(ctx, r); });
    router.add("GET", "/v2/oidc/issuers",
               [&ctx](Request& r, const PathParams&) { return list_issuers(ctx, r); });
    router.add("POST", "/v2/oidc/issuers",
               [&ctx](Request& r, const PathParams&) { return add_issuer(ctx, r); });
    router.add("DELETE", "/v2/oidc/issuers/{id}",
               [&ctx](Request& r, const PathParams& p) { return remove_issuer(ctx, r, p); });
    router.add("GET", "/v2/oidc/policies",
               [&ctx](Request& r, const PathParams&) { return list_policies(ctx, r); });
    router.add("POST", "/v2/oidc/policies",
               [&ctx](Request& r, const PathParams&) { return add_policy(ctx, r); });
    router.add("DELETE", "/v2/oidc/policies/{id}",
               [&ctx](Request& r, const PathParams& p) { return remove_policy(ctx, r, p); });
}

}  // namespace pat::http
