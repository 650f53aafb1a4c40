// POST /v2/users/login and POST /v2/users/2fa-login (Docker Hub shapes,
// docs/registry-token.md "Docker Hub's access-token API").
#include "common/secret.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {
namespace {

// Takes a string field out of `body` as a Secret and wipes the JSON copy.
std::optional<Secret> take_secret(nlohmann::json& body, const char* field) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    auto& text = it->get_ref<std::string&>();
    Secret secret = Secret::copy_of(text);
    wipe_string(text);
    return secret;
}

std::optional<std::string> string_field(const nlohmann::json& body, const char* field) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

Response login(RouteContext& ctx, Request& req) {
    Response error;
    auto body = json_object_body(req, error);
    wipe_body(req);
    if (!body) return error;
    auto username = string_field(*body, "username");
    auto password = take_secret(*body, "password");
    std::map<std::string, std::string> missing;
    // Absent fields are a malformed request; empty ones are just wrong
    // credentials (401 from the service, like Docker Hub).
    if (!username) missing["username"] = "is required";
    if (!password) missing["password"] = "is required";
    if (!missing.empty()) return validation_error("username and password are required", missing);
    auto session = ctx.service.login(*username, *password, client_info(req));
    if (!session) return service_error(session.error());
    return json_reply(200, {{"token", session->reveal()}});
}

Response login_2fa(RouteContext& ctx, Request& req) {
    Response error;
    auto body = json_object_body(req, error);
    wipe_body(req);
    if (!body) return error;
    auto challenge = take_secret(*body, "login_2fa_token");
    auto code = take_secret(*body, "code");
    std::map<std::string, std::string> missing;
    if (!challenge || challenge->empty()) missing["login_2fa_token"] = "is required";
    if (!code || code->empty()) missing["code"] = "is required";
    if (!missing.empty()) return validation_error("login_2fa_token and code are required", missing);
    auto session = ctx.service.login_2fa(challenge->reveal(), code->reveal(), client_info(req));
    if (!session) return service_error(session.error());
    return json_reply(200, {{"token", session->reveal()}});
}

}  // namespace

void add_user_routes(Router& router, RouteContext& ctx) {
    router.add("POST", "/v2/users/login",
               [&ctx](Request& req, const PathParams&) { return login(ctx, req); });
    router.add("POST", "/v2/users/2fa-login",
               [&ctx](Request& req, const PathParams&) { return login_2fa(ctx, req); });
}

}  // namespace pat::http
