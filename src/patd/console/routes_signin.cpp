// Sign-in (password, then the 2FA step when it is on), sign-out, `/`, and
// the embedded CSS/JS.
#include "patd/console/assets.hpp"
#include "patd/console/console.hpp"
#include "patd/console/page.hpp"

namespace pat::console {
namespace {

constexpr std::string_view k_home = "/settings/security/tokens";
constexpr std::string_view k_2fa_cookie = "patd_2fa";
constexpr long long k_2fa_cookie_seconds = 5LL * 60;

std::string next_of(const Request& req) {
    const auto query = http::parse_form(req.query);
    if (!query) return {};
    return local_path(http::first_param(*query, "next").value_or(""));
}

Response signin_form(int status, std::string_view notice_html, std::string_view username,
                     std::string_view next) {
    return html_page(status, "Sign in",
                     render_asset("signin.html", {{"notice", std::string(notice_html)},
                                                  {"username", std::string(username)},
                                                  {"next", std::string(next)}}),
                     nullptr);
}

Response second_step_form(int status, std::string_view notice_html, std::string_view next) {
    return html_page(status, "Two-factor authentication",
                     render_asset("signin_2fa.html", {{"notice", std::string(notice_html)},
                                                      {"next", std::string(next)}}),
                     nullptr);
}

// "Try again in 20 seconds." / "Try again in 5 minutes." for a wait of
// `wait`: the limiter's delays start at a second and grow, so seconds are
// named as seconds.
std::string retry_after_text(std::chrono::seconds wait) {
    const long long seconds = std::max<long long>(1, wait.count());
    if (seconds < 60) return std::to_string(seconds) + (seconds == 1 ? " second." : " seconds.");
    const long long minutes = (seconds + 59) / 60;
    return std::to_string(minutes) + (minutes == 1 ? " minute." : " minutes.");
}

std::string retry_sentence(std::chrono::seconds wait) {
    return "Too many failed sign-in attempts. Try again in " + retry_after_text(wait);
}

Response banned(const patd::Error& e, Response page) {
    page.headers.emplace_back("Retry-After",
                              std::to_string(std::max<long long>(1, e.retry_after.count())));
    return page;
}

Response signed_in_now(RouteContext& ctx, const patd::WebSession& session,
                       const std::string& next) {
    auto res = redirect(next.empty() ? std::string(k_home) : next);
    res.headers.emplace_back("Set-Cookie",
                             set_cookie(ctx, session_cookie_name(ctx), session.cookie.reveal(), "/",
                                        ctx.service.options().web_absolute_ttl.count()));
    res.headers.emplace_back("Set-Cookie", set_cookie(ctx, k_2fa_cookie, "", "/login", 0));
    return res;
}

Response get_login(RouteContext& ctx, Request& req) {
    if (signed_in(ctx, req)) {
        const std::string next = next_of(req);
        return redirect(next.empty() ? std::string(k_home) : next);
    }
    const auto query = http::parse_form(req.query);
    const std::string out =
        query ? http::first_param(*query, "signed_out").value_or("") : std::string();
    std::string message;
    if (out == "everywhere")
        message =
            notice("success", "You are signed out everywhere, and the device sign-ins are ended.");
    else if (!out.empty())
        message = notice("success", "You are signed out.");
    return signin_form(200, message, "", next_of(req));
}

Response post_login(RouteContext& ctx, Request& req) {
    auto form = form_body(req);
    if (!form) return signin_form(400, notice("error", "The form could not be read."), "", "");
    if (auto bad = check_form(ctx, req, *form, nullptr)) return *bad;
    const std::string username = http::first_param(*form, "username").value_or("");
    const std::string next = local_path(http::first_param(*form, "next").value_or(""));
    std::string password_text = http::first_param(*form, "password").value_or("");
    Secret password(std::move(password_text));
    for (auto& [k, v] : *form) wipe_string(v);
    auto session = ctx.service.web_login(username, password, http::client_info(req));
    if (session) return signed_in_now(ctx, *session, next);
    const patd::Error& e = session.error();
    using patd::ErrorCode;
    switch (e.code) {
        case ErrorCode::require_2fa: {
            auto res =
                redirect(next.empty() ? std::string("/login/2fa") : "/login/2fa?next=" + next);
            res.headers.emplace_back("Set-Cookie", set_cookie(ctx, k_2fa_cookie, e.login_2fa_token,
                                                              "/login", k_2fa_cookie_seconds));
            return res;
        }
        case ErrorCode::forbidden_pat_session:
            return signin_form(403,
                               notice("error",
                                      "A personal access token cannot sign in to the console. "
                                      "Sign in with your password."),
                               username, next);
        case ErrorCode::rate_limited:
            return banned(e, signin_form(429, notice("error", retry_sentence(e.retry_after)),
                                         username, next));
        case ErrorCode::unauthorized:
            return signin_form(401, notice("error", "Incorrect username or password."), username,
                               next);
        default:
            return signin_form(503,
                               notice("error",
                                      "Signing in is not possible right now. Try again "
                                      "in a moment."),
                               username, next);
    }
}

Response get_2fa(RouteContext& ctx, Request& req) {
    if (!cookie(req, k_2fa_cookie).value_or("").empty())
        return second_step_form(200, "", next_of(req));
    (void)ctx;
    return redirect("/login");
}

Response post_2fa(RouteContext& ctx, Request& req) {
    auto form = form_body(req);
    if (!form) return second_step_form(400, notice("error", "The form could not be read."), "");
    if (auto bad = check_form(ctx, req, *form, nullptr)) return *bad;
    const std::string next = local_path(http::first_param(*form, "next").value_or(""));
    const std::string challenge = cookie(req, k_2fa_cookie).value_or("");
    if (challenge.empty())
        return signin_form(401,
                           notice("error",
                                  "The sign-in took too long. Enter your username and "
                                  "password again."),
                           "", next);
    std::string code = http::first_param(*form, "code").value_or("");
    auto session = ctx.service.web_login_2fa(challenge, code, http::client_info(req));
    wipe_string(code);
    if (session) return signed_in_now(ctx, *session, next);
    const patd::Error& e = session.error();
    if (e.code == patd::ErrorCode::rate_limited)
        return banned(e,
                      second_step_form(429, notice("error", retry_sentence(e.retry_after)), next));
    if (e.code == patd::ErrorCode::unauthorized &&
        e.message.find("login_2fa_token") != std::string::npos) {
        auto res = signin_form(401,
                               notice("error",
                                      "The sign-in took too long. Enter your username "
                                      "and password again."),
                               "", next);
        res.headers.emplace_back("Set-Cookie", set_cookie(ctx, k_2fa_cookie, "", "/login", 0));
        return res;
    }
    if (e.code == patd::ErrorCode::unauthorized)
        return second_step_form(401,
                                notice("error",
                                       "That code is not right, or it was used already. Enter the "
                                       "current code from your authenticator app, or an unused "
                                       "recovery code."),
                                next);
    return second_step_form(
        503, notice("error", "Signing in is not possible right now. Try again in a moment."), next);
}

Response post_logout(RouteContext& ctx, Request& req) {
    auto form = form_body(req);
    auto who = signed_in(ctx, req);
    if (!form) return redirect("/login");
    if (auto bad = check_form(ctx, req, *form, who ? &*who : nullptr)) return *bad;
    if (who) (void)ctx.service.end_web_session(cookie(req, session_cookie_name(ctx)).value_or(""));
    auto res = redirect("/login?signed_out=1");
    res.headers.emplace_back("Set-Cookie", set_cookie(ctx, session_cookie_name(ctx), "", "/", 0));
    return res;
}

Response asset(std::string_view name, std::string_view type) {
    Response res;
    const auto data = find_asset(name);
    res.body = std::string(data.value_or(""));
    res.content_type = std::string(type);
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    // The URLs carry asset_version(): a changed asset has a new URL.
    res.headers.emplace_back("Cache-Control", "public, max-age=86400, immutable");
    return res;
}

}  // namespace

void add_signin_routes(http::Router& router, http::RouteContext& ctx) {
    router.add("GET", "/", [&ctx](Request& req, const http::PathParams&) {
        return signed_in(ctx, req) ? redirect(k_home) : redirect("/login");
    });
    router.add("GET", "/login",
               [&ctx](Request& req, const http::PathParams&) { return get_login(ctx, req); });
    router.add("POST", "/login",
               [&ctx](Request& req, const http::PathParams&) { return post_login(ctx, req); });
    router.add("GET", "/login/2fa",
               [&ctx](Request& req, const http::PathParams&) { return get_2fa(ctx, req); });
    router.add("POST", "/login/2fa",
               [&ctx](Request& req, const http::PathParams&) { return post_2fa(ctx, req); });
    router.add("POST", "/logout",
               [&ctx](Request& req, const http::PathParams&) { return post_logout(ctx, req); });
    router.add("GET", "/console/assets/console.css", [](Request&, const http::PathParams&) {
        return asset("console.css", "text/css; charset=utf-8");
    });
    router.add("GET", "/console/assets/console.js", [](Request&, const http::PathParams&) {
        return asset("console.js", "text/javascript; charset=utf-8");
    });
}

void add_console_routes(http::Router& router, http::RouteContext& ctx) {
    add_signin_routes(router, ctx);
    add_token_pages(router, ctx);
    add_security_pages(router, ctx);
    add_device_routes(router, ctx);
}

}  // namespace pat::console
