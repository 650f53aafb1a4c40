#include "patd/console/page.hpp"

#include "common/percent.hpp"
#include "patd/console/assets.hpp"
#include "patd/crypto/hmac.hpp"

namespace pat::console {

namespace {
constexpr std::string_view k_csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

std::string account_menu(const SignedIn& who) {
    const std::string& name = who.principal().username;
    return render_asset("account_menu.html",
                        {{"username", name},
                         {"initial", name.empty() ? std::string("?") : name.substr(0, 1)},
                         {"csrf", who.csrf()}});
}
}  // namespace

void add_security_headers(Response& res) {
    res.headers.emplace_back("Content-Security-Policy", std::string(k_csp));
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    res.headers.emplace_back("X-Frame-Options", "DENY");
    res.headers.emplace_back("Cache-Control", "no-store");
}

Response html_page(int status, std::string_view title, const std::string& body,
                   const SignedIn* who) {
    Response res;
    res.status = status;
    res.content_type = "text/html; charset=utf-8";
    res.body = render_asset("layout.html", {{"title", std::string(title)},
                                            {"version", std::string(asset_version())},
                                            {"account_menu", who ? account_menu(*who) : ""},
                                            {"body", body}});
    add_security_headers(res);
    return res;
}

Response settings_page(int status, std::string_view title, std::string_view section,
                       const std::string& content, const SignedIn& who) {
    const std::string current = " aria-current=\"page\"";
    return html_page(
        status, title,
        render_asset("settings.html", {{"tokens_current", section == "tokens" ? current : ""},
                                       {"twofa_current", section == "2fa" ? current : ""},
                                       {"content", content}}),
        &who);
}

Response message_page(int status, std::string_view heading, std::string_view text,
                      std::string_view link, std::string_view link_text, const SignedIn* who) {
    return html_page(status, heading,
                     render_asset("message.html", {{"heading", std::string(heading)},
                                                   {"text", std::string(text)},
                                                   {"link", std::string(link)},
                                                   {"link_text", std::string(link_text)}}),
                     who);
}

std::string notice(std::string_view kind, std::string_view text) {
    return render_asset("notice.html", {{"kind", std::string(kind)},
                                        {"role", kind == "error" ? "alert" : "status"},
                                        {"text", std::string(text)}});
}

Response redirect(std::string_view location) {
    Response res;
    res.status = 303;
    res.content_type.clear();
    res.headers.emplace_back("Location", std::string(location));
    add_security_headers(res);
    return res;
}

bool secure_cookies(const RouteContext& ctx) {
    return ctx.options.public_url.starts_with("https://");
}

std::string session_cookie_name(const RouteContext& ctx) {
    return secure_cookies(ctx) ? "__Host-patd_session" : "patd_session";
}

std::string set_cookie(const RouteContext& ctx, std::string_view name, std::string_view value,
                       std::string_view path, long long max_age_seconds) {
    std::string c(name);
    c.append("=").append(value).append("; Path=").append(path);
    c.append("; Max-Age=").append(std::to_string(max_age_seconds));
    c.append("; HttpOnly; SameSite=Strict");
    if (secure_cookies(ctx)) c.append("; Secure");
    return c;
}

std::optional<std::string> cookie(const Request& req, std::string_view name) {
    for (const auto& [field, value] : req.headers) {
        if (field != "cookie") continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto semi = rest.find(';');
            std::string_view pair = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            const auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name)
                return std::string(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

std::optional<SignedIn> signed_in(RouteContext& ctx, const Request& req) {
    const auto value = cookie(req, session_cookie_name(ctx));
    if (!value || value->empty()) return std::nullopt;
    auto who = ctx.service.authenticate_web_session(*value);
    if (!who) return std::nullopt;
    return SignedIn{std::move(*who)};
}

Response to_sign_in(const Request& req) {
    std::string target = "/login";
    if (req.target != "/" && !req.target.empty()) {
        // Percent-encode the whole target as one query value.
        target += "?next=";
        target += percent_encode(
            req.target, [](unsigned char c) { return (is_unreserved(c) && c != '~') || c == '/'; });
    }
    return redirect(target);
}

bool same_origin(const RouteContext& ctx, const Request& req) {
    // With `Referrer-Policy: no-referrer` browsers send `Origin: null` on
    // form posts, even same-origin ones (Fetch, "serializing a request
    // origin"): then Sec-Fetch-Site decides.
    if (req.has_header("origin") && req.header("origin") != "null")
        return req.header("origin") == http::base_url(ctx.options);
    if (req.has_header("sec-fetch-site")) {
        const auto site = req.header("sec-fetch-site");
        return site == "same-origin" || site == "none";
    }
    return true;
}

std::optional<http::Params> form_body(Request& req) {
    auto form = http::parse_form(req.body);
    http::wipe_body(req);
    return form;
}

std::optional<Response> check_form(const RouteContext& ctx, const Request& req,
                                   const http::Params& form, const SignedIn* who) {
    bool ok = same_origin(ctx, req);
    if (ok && who) {
        const auto token = http::first_param(form, "csrf");
        ok = token && patd::constant_time_equal(*token, who->csrf());
    }
    if (ok) return std::nullopt;
    return message_page(403, "This form cannot be sent",
                        "It is out of date or came from another site. Reload the page and try "
                        "again.",
                        "/", "Back to the console", nullptr);
}

std::string local_path(std::string_view next) {
    if (next.empty() || next.front() != '/' || next.starts_with("//") ||
        next.find('\\') != std::string_view::npos)
        return {};
    for (const char c : next)
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) return {};
    return std::string(next);
}

}  // namespace pat::console
