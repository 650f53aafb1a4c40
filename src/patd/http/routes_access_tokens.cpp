// /v2/access-tokens… : Docker Hub's personal-access-token API (docs/patd-api.md,
// docs/registry-token.md). Management routes need a password session (Bearer);
// `current` and `current/usage` take Basic username:PAT.
#include "patd/http/parse.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {
namespace {

using nlohmann::json;

// GET /v2/access-tokens (manual and auto-generated) or, with `oidc`,
// GET /v2/oidc/tokens (issued by the OIDC exchange): the same page shape.
Response list(RouteContext& ctx, Request& req, bool oidc) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto query = parse_form(req.query);
    if (!query) return validation_error("malformed query string", {{"query", "bad escape"}});
    const auto page = parse_integer_param(first_param(*query, "page"), 1);
    const auto size = parse_integer_param(first_param(*query, "page_size"), 10);
    std::map<std::string, std::string> bad;
    if (!page) bad["page"] = "must be an integer";
    if (!size) bad["page_size"] = "must be an integer";
    if (!bad.empty()) return validation_error("invalid pagination", bad);
    const patd::PageRequest request{*page, *size};
    auto result =
        oidc ? ctx.service.list_oidc_tokens(*who, request) : ctx.service.list_tokens(*who, request);
    if (!result) return service_error(result.error());
    const std::string base = base_url(ctx.options) +
                             (oidc ? "/v2/oidc/tokens" : "/v2/access-tokens") +
                             "?page_size=" + std::to_string(*size) + "&page=";
    json results = json::array();
    for (const auto& view : result->results) results.push_back(token_json(view, ctx.clock.now()));
    return json_reply(
        200, {{"count", result->count},
              {"next", result->has_next ? json(base + std::to_string(*page + 1)) : json(nullptr)},
              {"previous",
               result->has_previous ? json(base + std::to_string(*page - 1)) : json(nullptr)},
              {"active_count", result->active_count},
              {"results", std::move(results)}});
}

Response create(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto body = json_object_body(req, error);
    if (!body) return error;
    patd::NewTokenRequest request;
    std::map<std::string, std::string> bad;
    const auto label = body->find("token_label");
    if (label == body->end() || !label->is_string())
        bad["token_label"] = "must be a string";
    else
        request.token_label = label->get<std::string>();
    const auto scopes = body->find("scopes");
    if (scopes == body->end() || !scopes->is_array()) {
        bad["scopes"] = "must be an array with one scope";
    } else {
        for (const auto& s : *scopes) {
            // The API takes Docker Hub's values only; the short aliases
            // (read, write, …) belong to the helper's command line.
            if (!s.is_string() || s.get<std::string>().rfind("repo:", 0) != 0)
                bad["scopes"] =
                    "must be one of repo:public_read, repo:read, repo:write, repo:admin";
            else
                request.scopes.push_back(s.get<std::string>());
        }
    }
    const auto expires = body->find("expires_at");
    if (expires != body->end() && !expires->is_null()) {
        auto parsed =
            expires->is_string() ? patd::parse_rfc3339(expires->get<std::string>()) : std::nullopt;
        if (!parsed) bad["expires_at"] = "must be an RFC 3339 date-time or null";
        request.expires_at = parsed;
    }
    if (!bad.empty()) return validation_error("invalid access token request", bad);
    auto created = ctx.service.create_token(*who, request, client_info(req));
    if (!created) return service_error(created.error());
    return json_reply(201, token_json(created->view, ctx.clock.now(), created->token.reveal()));
}

Response desktop_generate(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto created = ctx.service.desktop_generate(*who, client_info(req));
    if (!created) return service_error(created.error());
    return json_reply(201, {{"data", {{"token", created->token.reveal()}}}});
}

Response get_one(RouteContext& ctx, Request& req, const PathParams& params) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto view = ctx.service.get_token(*who, params.at(0));
    if (!view) return service_error(view.error());
    json body = token_json(*view, ctx.clock.now());
    json ips = json::array();
    for (const auto& use : view->last_used_ips)
        ips.push_back({{"ip", use.ip}, {"last_used", patd::format_rfc3339(use.last_used)}});
    body["last_used_ips"] = std::move(ips);
    return json_reply(200, body);
}

Response patch_one(RouteContext& ctx, Request& req, const PathParams& params) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto body = json_object_body(req, error);
    if (!body) return error;
    patd::TokenPatch patch;
    std::map<std::string, std::string> bad;
    if (auto it = body->find("token_label"); it != body->end()) {
        if (it->is_string())
            patch.token_label = it->get<std::string>();
        else
            bad["token_label"] = "must be a string";
    }
    if (auto it = body->find("is_active"); it != body->end()) {
        if (it->is_boolean())
            patch.is_active = it->get<bool>();
        else
            bad["is_active"] = "must be a boolean";
    }
    if (body->contains("expires_at")) bad["expires_at"] = "cannot be changed";
    if (!bad.empty()) return validation_error("invalid access token update", bad);
    auto view = ctx.service.patch_token(*who, params.at(0), patch, client_info(req));
    if (!view) return service_error(view.error());
    return json_reply(200, token_json(*view, ctx.clock.now()));
}

Response delete_one(RouteContext& ctx, Request& req, const PathParams& params) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto done = ctx.service.delete_token(*who, params.at(0), client_info(req));
    if (!done) return service_error(done.error());
    return no_content();
}

std::optional<patd::BasicCredentials> basic(const Request& req, Response& error) {
    auto credentials = parse_basic_auth(req.header("authorization"));
    if (!credentials) error = authentication_required("Basic");
    return credentials;
}

Response current(RouteContext& ctx, Request& req) {
    Response error;
    auto credentials = basic(req, error);
    if (!credentials) return error;
    auto view = ctx.service.current(*credentials, client_info(req));
    if (!view) return service_error(view.error());
    return json_reply(200, token_json(*view, ctx.clock.now()));
}

// `docker-credential-pat logout`: an auto-generated token deletes itself.
Response revoke_current(RouteContext& ctx, Request& req) {
    Response error;
    auto credentials = basic(req, error);
    if (!credentials) return error;
    auto done = ctx.service.revoke_current(*credentials, client_info(req));
    if (!done) return service_error(done.error());
    return no_content();
}

Response usage(RouteContext& ctx, Request& req) {
    Response error;
    auto credentials = basic(req, error);
    if (!credentials) return error;
    auto body = json_object_body(req, error, /*empty_ok=*/true);
    if (!body) return error;
    std::optional<patd::Timestamp> used_at;
    if (auto it = body->find("used_at"); it != body->end() && !it->is_null()) {
        used_at = it->is_string() ? patd::parse_rfc3339(it->get<std::string>()) : std::nullopt;
        if (!used_at)
            return validation_error("invalid usage record",
                                    {{"used_at", "must be an RFC 3339 date-time"}});
    }
    auto client = client_info(req);
    if (auto it = body->find("client"); it != body->end() && it->is_string())
        client.client_id = it->get<std::string>().substr(0, 64);
    auto done = ctx.service.record_usage(*credentials, used_at, client);
    if (!done) return service_error(done.error());
    return no_content();
}

}  // namespace

void add_access_token_routes(Router& router, RouteContext& ctx) {
    const std::string base = "/v2/access-tokens";
    router.add("GET", base, [&ctx](Request& r, const PathParams&) { return list(ctx, r, false); });
    router.add("GET", "/v2/oidc/tokens",
               [&ctx](Request& r, const PathParams&) { return list(ctx, r, true); });
    router.add("POST", base, [&ctx](Request& r, const PathParams&) { return create(ctx, r); });
    router.add("POST", base + "/desktop-generate",
               [&ctx](Request& r, const PathParams&) { return desktop_generate(ctx, r); });
    // Literal paths first: "current" must not be taken for a uuid.
    router.add("GET", base + "/current",
               [&ctx](Request& r, const PathParams&) { return current(ctx, r); });
    router.add("DELETE", base + "/current",
               [&ctx](Request& r, const PathParams&) { return revoke_current(ctx, r); });
    router.add("POST", base + "/current/usage",
               [&ctx](Request& r, const PathParams&) { return usage(ctx, r); });
    router.add("GET", base + "/{uuid}",
               [&ctx](Request& r, const PathParams& p) { return get_one(ctx, r, p); });
    router.add("PATCH", base + "/{uuid}",
               [&ctx](Request& r, const PathParams& p) { return patch_one(ctx, r, p); });
    router.add("DELETE", base + "/{uuid}",
               [&ctx](Request& r, const PathParams& p) { return delete_one(ctx, r, p); });
}

}  // namespace pat::http
