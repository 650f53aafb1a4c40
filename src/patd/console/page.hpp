#pragma once
// What every console route shares: the security headers, HTML replies in
// the layout, cookies, the signed-in session, and the CSRF/Origin checks of
// state-changing forms (docs/console.md "Security").

#include <optional>
#include <string>
#include <string_view>

#include "patd/console/html.hpp"
#include "patd/http/parse.hpp"
#include "patd/http/routes.hpp"

namespace pat::console {

using http::Request;
using http::Response;
using http::RouteContext;

// A request whose console session authenticated.
struct SignedIn {
    patd::WebPrincipal who;
    const patd::Principal& principal() const { return who.principal; }
    const std::string& csrf() const { return who.csrf_token; }
};

// Content-Security-Policy (no inline script, no framing), nosniff,
// Referrer-Policy, and Cache-Control: no-store (console pages may show a
// token, a 2FA secret or recovery codes; none of them may be cached).
void add_security_headers(Response& res);

// The page in the layout: header with the avatar menu when signed in.
Response html_page(int status, std::string_view title, const std::string& body,
                   const SignedIn* who);
// A page in the Account settings layout (side navigation); `section` is
// "tokens", "2fa" or "" and marks the current link.
Response settings_page(int status, std::string_view title, std::string_view section,
                       const std::string& content, const SignedIn& who);
// A one-message page (heading, sentence, link).
Response message_page(int status, std::string_view heading, std::string_view text,
                      std::string_view link, std::string_view link_text, const SignedIn* who);
// A notice paragraph: kind "error" (role alert), "success" or "warning".
std::string notice(std::string_view kind, std::string_view text);
// 303 See Other to a local path.
Response redirect(std::string_view location);

// The session cookie's name: "__Host-patd_session" when patd is reached
// over https (public URL), else "patd_session".
std::string session_cookie_name(const RouteContext& ctx);
bool secure_cookies(const RouteContext& ctx);
// A Set-Cookie value: HttpOnly, SameSite=Strict, Path, Max-Age, Secure over https.
std::string set_cookie(const RouteContext& ctx, std::string_view name, std::string_view value,
                       std::string_view path, long long max_age_seconds);
// The value of cookie `name` in the request, or nullopt.
std::optional<std::string> cookie(const Request& req, std::string_view name);

// The console session of `req`, or nullopt (no cookie, ended, expired).
std::optional<SignedIn> signed_in(RouteContext& ctx, const Request& req);
// Redirect to the sign-in page, coming back to `req`'s target afterwards.
Response to_sign_in(const Request& req);

// Wraps a handler `f(req, who, params)` that needs a signed-in person: without
// a session a GET goes to the sign-in page (and back), a POST to /login.
template <class F>
http::RouteHandler for_signed_in(RouteContext& ctx, F f) {
    return [&ctx, f](Request& req, const http::PathParams& params) -> Response {
        auto who = signed_in(ctx, req);
        if (!who) return req.method == "GET" ? to_sign_in(req) : redirect("/login");
        return f(req, *who, params);
    };
}

// True when `Origin` (or, without it or when it is "null", `Sec-Fetch-Site`)
// says the request comes from this console. A request with neither (curl, an
// old browser) is accepted: SameSite=Strict keeps cross-site browsers from
// sending the cookie, and session forms need their CSRF token anyway.
bool same_origin(const RouteContext& ctx, const Request& req);
// Parses a urlencoded form body and wipes the body (it may hold a password).
std::optional<http::Params> form_body(Request& req);
// nullopt when a state-changing form passes the Origin check and carries this
// session's CSRF token; else the 403 page.
std::optional<Response> check_form(const RouteContext& ctx, const Request& req,
                                   const http::Params& form, const SignedIn* who);
// A local path to return to after sign-in ("/…", never "//…" or a URL);
// "" when `next` is not one.
std::string local_path(std::string_view next);

}  // namespace pat::console
