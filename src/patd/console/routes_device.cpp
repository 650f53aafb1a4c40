// Device sign-in (RFC 8628) for `docker-credential-pat login`: the two
// endpoints the helper calls (device authorization and token, JSON over
// urlencoded forms) and the console's Activate a device page.
#include <nlohmann/json.hpp>

#include "patd/console/console.hpp"
#include "patd/console/page.hpp"
#include "patd/http/reply.hpp"

namespace pat::console {
namespace {

using nlohmann::json;
constexpr std::string_view k_grant_type = "urn:ietf:params:oauth:grant-type:device_code";

// RFC 6749 §5.2 error reply (the RFC 8628 codes are among them).
Response oauth_error(int status, std::string_view code, std::string_view description) {
    auto res = http::json_reply(status, {{"error", code}, {"error_description", description}});
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
}

Response device_code(RouteContext& ctx, Request& req) {
    auto form = http::parse_form(req.body);
    if (!form) return oauth_error(400, "invalid_request", "the body is not a urlencoded form");
    patd::DeviceRequest request;
    request.client_id = http::first_param(*form, "client_id").value_or("");
    request.host_name = http::first_param(*form, "host_name").value_or("");
    request.helper_version = http::first_param(*form, "helper_version").value_or("");
    auto grant = ctx.service.start_device_authorization(request, http::client_info(req));
    if (!grant) {
        if (grant.error().code == patd::ErrorCode::rate_limited)
            return oauth_error(429, "slow_down", "too many requests; try again later");
        return oauth_error(503, "temporarily_unavailable", "try again in a moment");
    }
    const std::string verify = http::base_url(ctx.options) + "/device";
    auto res = http::json_reply(
        200, {{"device_code", grant->device_code.reveal()},
              {"user_code", grant->user_code},
              {"verification_uri", verify},
              {"verification_uri_complete", verify + "?user_code=" + grant->user_code},
              {"expires_in", grant->expires_in.count()},
              {"interval", grant->interval.count()}});
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
}

Response device_token(RouteContext& ctx, Request& req) {
    auto form = http::parse_form(req.body);
    http::wipe_body(req);
    if (!form) return oauth_error(400, "invalid_request", "the body is not a urlencoded form");
    if (http::first_param(*form, "grant_type").value_or("") != k_grant_type)
        return oauth_error(400, "unsupported_grant_type",
                           "only the device_code grant is served here");
    std::string code = http::first_param(*form, "device_code").value_or("");
    for (auto& [k, v] : *form) wipe_string(v);
    if (code.empty()) return oauth_error(400, "invalid_request", "device_code is required");
    auto poll = ctx.service.poll_device(code, http::client_info(req));
    wipe_string(code);
    if (!poll) {
        if (poll.error().code == patd::ErrorCode::bad_request)
            return oauth_error(400, "invalid_grant", poll.error().message);
        return oauth_error(503, "temporarily_unavailable", "try again in a moment");
    }
    if (!poll->token) {
        std::string_view text = "waiting for the approval in the console";
        if (poll->state == "slow_down") text = "polling too fast; wait longer between polls";
        if (poll->state == "access_denied") text = "the sign-in was denied in the console";
        if (poll->state == "expired_token") text = "the code expired before it was approved";
        auto res = oauth_error(400, poll->state, text);
        if (poll->state == "slow_down")
            res.body = json{{"error", poll->state},
                            {"error_description", text},
                            {"interval", poll->interval.count()}}
                           .dump();
        return res;
    }
    auto res = http::json_reply(200, {{"access_token", poll->token->reveal()},
                                      {"token_type", "bearer"},
                                      {"username", poll->username},
                                      {"token_uuid", poll->view ? poll->view->uuid : ""},
                                      {"scope", "repo:admin"}});
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("Pragma", "no-cache");
    return res;
}

Response enter_page(const SignedIn& who, std::string notice_html, int status) {
    return html_page(status, "Activate a device",
                     render_asset("device_enter.html", {{"notice", notice_html}}), &who);
}

Response device_page(RouteContext& ctx, Request& req, const SignedIn& who) {
    const auto query = http::parse_form(req.query);
    const std::string code = query ? http::first_param(*query, "user_code").value_or("") : "";
    if (code.empty()) return enter_page(who, "", 200);
    auto device = ctx.service.find_device(who.principal(), code, http::client_info(req));
    if (!device && device.error().code == patd::ErrorCode::rate_limited)
        return enter_page(who, notice("error", "Too many wrong codes. Try again in a few minutes."),
                          429);
    if (!device)
        return enter_page(who,
                          notice("error",
                                 "No sign-in request has this code. Check the code in "
                                 "your terminal, or start again with "
                                 "docker-credential-pat login."),
                          404);
    if (device->status == "expired")
        return enter_page(who,
                          notice("error",
                                 "This code expired. Start again with "
                                 "docker-credential-pat login."),
                          410);
    if (device->status != "pending")
        return enter_page(who, notice("warning", "This sign-in request was answered already."),
                          409);
    const auto now = patd::to_timestamp(ctx.clock.now());
    std::string requested = "<time datetime=\"" + patd::format_rfc3339(device->created_at) +
                            "\" title=\"" + escape(exact_time(device->created_at)) + "\">" +
                            escape(relative_time(device->created_at, now)) + "</time>";
    return html_page(200, "Activate a device",
                     render_asset("device_confirm.html", {{"notice", ""},
                                                          {"username", who.principal().username},
                                                          {"user_code", device->user_code},
                                                          {"host", device->host_name},
                                                          {"version", device->helper_version},
                                                          {"ip", device->client_ip},
                                                          {"requested", requested},
                                                          {"csrf", who.csrf()}}),
                     &who);
}

Response decide(RouteContext& ctx, Request& req, const SignedIn& who) {
    auto form = form_body(req);
    if (!form) return redirect("/device");
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    const std::string code = http::first_param(*form, "user_code").value_or("");
    const std::string decision = http::first_param(*form, "decision").value_or("");
    if (decision != "approve" && decision != "deny") return redirect("/device");
    auto done = ctx.service.decide_device(who.principal(), code, decision == "approve",
                                          http::client_info(req));
    if (!done)
        return enter_page(who,
                          notice("error",
                                 "This sign-in request expired or was answered "
                                 "already."),
                          409);
    if (decision == "approve")
        return message_page(200, "Device approved",
                            "Go back to your terminal: docker-credential-pat finishes signing in "
                            "and keeps its token in the keychain.",
                            "/settings/security/tokens", "See your access tokens", &who);
    return message_page(200, "Sign-in denied",
                        "The computer that asked gets no token. If you did not start this "
                        "sign-in, someone else may know your code: nothing more is needed.",
                        "/settings/security/tokens", "Back to the console", &who);
}

}  // namespace

void add_device_routes(http::Router& router, http::RouteContext& ctx) {
    router.add("POST", "/oauth/device/code",
               [&ctx](Request& req, const http::PathParams&) { return device_code(ctx, req); });
    router.add("POST", "/oauth/token",
               [&ctx](Request& req, const http::PathParams&) { return device_token(ctx, req); });
    router.add("GET", "/device", [&ctx](Request& req, const http::PathParams&) {
        auto who = signed_in(ctx, req);
        if (!who) return to_sign_in(req);
        return device_page(ctx, req, *who);
    });
    router.add("POST", "/device", [&ctx](Request& req, const http::PathParams&) {
        auto who = signed_in(ctx, req);
        if (!who) return redirect("/login");
        return decide(ctx, req, *who);
    });
}

}  // namespace pat::console
