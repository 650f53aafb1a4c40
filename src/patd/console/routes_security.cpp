// Account settings -> Security -> Two-factor authentication: enable with a
// QR code rendered here (libqrencode, SVG) and the text secret, confirmed by
// a first code; recovery codes shown once; disable with password + code.
#include "patd/console/console.hpp"
#include "patd/console/page.hpp"
#include "patd/console/qr_svg.hpp"

namespace pat::console {
namespace {

constexpr std::string_view k_page = "/settings/security/2fa";

// The base32 secret in groups of four, as apps show it.
std::string grouped(std::string_view secret) {
    std::string out;
    for (std::size_t i = 0; i < secret.size(); ++i) {
        if (i > 0 && i % 4 == 0) out.push_back(' ');
        out.push_back(secret[i]);
    }
    return out;
}

Response status_page(RouteContext& ctx, const SignedIn& who, std::string notice_html,
                     int status = 200) {
    auto st = ctx.service.two_factor_status(who.principal());
    if (!st)
        return message_page(503, "Two-factor authentication",
                            "The setting cannot be read right "
                            "now. Try again in a moment.",
                            std::string(k_page), "Reload", &who);
    if (!st->enabled)
        return settings_page(
            status, "Two-factor authentication", "2fa",
            render_asset("twofa_off.html", {{"notice", notice_html}, {"csrf", who.csrf()}}), who);
    const std::string left =
        std::to_string(st->recovery_codes_left) +
        (st->recovery_codes_left == 1 ? " recovery code is" : " recovery codes are") + " left.";
    return settings_page(
        status, "Two-factor authentication", "2fa",
        render_asset("twofa_on.html",
                     {{"notice", notice_html}, {"codes_left", left}, {"csrf", who.csrf()}}),
        who);
}

Response setup_page(RouteContext& ctx, const SignedIn& who, bool keep_pending,
                    std::string notice_html, int status) {
    auto setup = ctx.service.begin_2fa_setup(who.principal(), keep_pending);
    if (!setup) {
        if (setup.error().code == patd::ErrorCode::conflict)
            return status_page(ctx, who,
                               notice("warning", "Two-factor authentication is on already."), 409);
        return status_page(ctx, who, notice("error", "The setup could not start. Try again."), 503);
    }
    auto svg = qr_svg(setup->otpauth_uri.reveal(), "QR code of the two-factor secret");
    return settings_page(
        status, "Enable two-factor authentication", "2fa",
        render_asset("twofa_setup.html", {{"notice", notice_html},
                                          {"qr", svg.value_or("")},
                                          {"secret", grouped(setup->secret_base32.reveal())},
                                          {"csrf", who.csrf()}}),
        who);
}

Response enable(RouteContext& ctx, Request& req, const SignedIn& who) {
    auto form = form_body(req);
    if (!form) return redirect(k_page);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    std::string code = http::first_param(*form, "code").value_or("");
    auto codes = ctx.service.confirm_2fa_setup(who.principal(), code, http::client_info(req));
    wipe_string(code);
    if (!codes) {
        const auto& e = codes.error();
        if (e.code == patd::ErrorCode::rate_limited)
            return setup_page(ctx, who, true,
                              notice("error", "Too many wrong codes. Try again in a few minutes."),
                              429);
        if (e.code == patd::ErrorCode::conflict) return status_page(ctx, who, "");
        return setup_page(ctx, who, true,
                          notice("error",
                                 "That code does not match. Enter the code the app "
                                 "shows now."),
                          400);
    }
    std::string items;
    for (const auto& c : *codes) {
        items += "<li><code>";
        append_escaped(items, c.reveal());
        items += "</code></li>\n";
    }
    return settings_page(200, "Recovery codes", "2fa",
                         render_asset("twofa_codes.html", {{"codes", items}}), who);
}

Response disable(RouteContext& ctx, Request& req, const SignedIn& who) {
    auto form = form_body(req);
    if (!form) return redirect(k_page);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    Secret password(http::first_param(*form, "password").value_or(""));
    std::string code = http::first_param(*form, "code").value_or("");
    for (auto& [k, v] : *form) wipe_string(v);
    auto done =
        ctx.service.disable_2fa_checked(who.principal(), password, code, http::client_info(req));
    wipe_string(code);
    if (done) return status_page(ctx, who, notice("success", "Two-factor authentication is off."));
    const auto& e = done.error();
    if (e.code == patd::ErrorCode::rate_limited)
        return status_page(ctx, who,
                           notice("error", "Too many failed attempts. Try again in a few minutes."),
                           429);
    if (e.code == patd::ErrorCode::unauthorized)
        return status_page(ctx, who,
                           notice("error", e.message == "incorrect password"
                                               ? "The password is not right."
                                               : "The code is not right, or it was used already."),
                           401);
    return status_page(ctx, who,
                       notice("error", "Two-factor authentication could not be turned off."), 503);
}

// Account settings -> Security: the two sections, and "Sign out everywhere".
Response security_page(RouteContext& ctx, const Request& req, const SignedIn& who) {
    auto st = ctx.service.two_factor_status(who.principal());
    const auto query = http::parse_form(req.query);
    const bool failed = query && http::first_param(*query, "failed").has_value();
    return settings_page(
        200, "Security", "",
        render_asset("security.html",
                     {{"twofa_state", st && st->enabled ? "On." : "Off."},
                      {"notice", failed ? notice("error",
                                                 "Signing out everywhere did not work. "
                                                 "Try again in a moment.")
                                        : ""},
                      {"csrf", who.csrf()}}),
        who);
}

// Ends every console session of the account (this one too) and deletes its
// auto-generated tokens, so every `docker-credential-pat login` is undone.
Response sign_out_everywhere(RouteContext& ctx, Request& req, const SignedIn& who) {
    auto form = form_body(req);
    if (!form) return redirect("/settings/security");
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    auto done = ctx.service.sign_out_everywhere(who.principal());
    if (!done) return redirect("/settings/security?failed=1");
    auto res = redirect("/login?signed_out=everywhere");
    res.headers.emplace_back("Set-Cookie", set_cookie(ctx, session_cookie_name(ctx), "", "/", 0));
    return res;
}

}  // namespace

void add_security_pages(http::Router& router, http::RouteContext& ctx) {
    router.add("GET", "/settings/security",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return security_page(ctx, req, who);
               }));
    router.add("POST", "/settings/security/sign-out-everywhere",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return sign_out_everywhere(ctx, req, who);
               }));
    const std::string base(k_page);
    router.add("GET", base, for_signed_in(ctx, [&ctx](Request&, const SignedIn& who, const auto&) {
                   return status_page(ctx, who, "");
               }));
    router.add("POST", base + "/setup",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   auto form = form_body(req);
                   if (!form) return redirect(k_page);
                   if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
                   return setup_page(ctx, who, false, "", 200);
               }));
    router.add("POST", base + "/enable",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return enable(ctx, req, who);
               }));
    router.add("POST", base + "/disable",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return disable(ctx, req, who);
               }));
}

}  // namespace pat::console
