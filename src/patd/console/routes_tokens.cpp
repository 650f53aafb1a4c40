// Account settings -> Security -> Personal access tokens: the table (server
// rendered, 10 rows a page), Generate (the only reply that ever holds a
// token's plaintext), and each row's actions.
#include <charconv>

#include "common/expiry.hpp"
#include "patd/console/ci_tokens.hpp"
#include "patd/console/console.hpp"
#include "patd/console/page.hpp"
#include "patd/console/token_view.hpp"

namespace pat::console {
namespace {

constexpr long long k_page_size = 10;
constexpr std::string_view k_list = "/settings/security/tokens";

patd::Timestamp now_of(const RouteContext& ctx) {
    return patd::to_timestamp(ctx.clock.now());
}

// Which rows to show: ?page=N (from 1) and ?page_size=10|25|50|100 (10
// unless given; anything else is 10 too).
struct PageChoice {
    long long page = 1;
    long long size = k_page_size;
};

long long number_param(const std::optional<http::Params>& query, const char* name,
                       long long fallback) {
    const std::string text =
        query ? http::first_param(*query, name).value_or(std::string()) : std::string();
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return fallback;
    return value;
}

PageChoice page_of(const Request& req) {
    const auto query = http::parse_form(req.query);
    PageChoice p;
    p.page = number_param(query, "page", 1);
    if (p.page < 1 || p.page > 100000) p.page = 1;
    p.size = number_param(query, "page_size", k_page_size);
    if (p.size != 10 && p.size != 25 && p.size != 50 && p.size != 100) p.size = k_page_size;
    return p;
}

std::string list_url(long long page, long long size) {
    std::string url = std::string(k_list) + "?page=" + std::to_string(page);
    if (size != k_page_size) url += "&page_size=" + std::to_string(size);
    return url;
}

std::string flash_of(const Request& req) {
    const auto query = http::parse_form(req.query);
    const std::string done = query ? http::first_param(*query, "done").value_or("") : "";
    if (done == "activated") return notice("success", "The token is active again.");
    if (done == "deactivated") return notice("success", "The token is deactivated.");
    if (done == "saved") return notice("success", "The token is saved.");
    if (done == "deleted") return notice("success", "The token is deleted.");
    return {};
}

std::string row_html(const patd::AccessTokenView& t, const SignedIn& who, patd::Timestamp now) {
    const std::string_view state = state_of(t, now);
    const bool active = state == "Active";
    std::string toggle;
    if (state != "Expired")
        toggle = render_asset("token_toggle.html", {{"uuid", t.uuid},
                                                    {"action", active ? "deactivate" : "activate"},
                                                    {"verb", active ? "Deactivate" : "Activate"},
                                                    {"csrf", who.csrf()}});
    std::string expires = "Never";
    if (t.expires_at) expires = time_element(*t.expires_at, now);
    if (t.expires_at && expires_soon(*t.expires_at, now))
        expires += " <span class=\"badge expiring\">Expires soon</span>";
    return render_asset(
        "token_row.html",
        {{"uuid", t.uuid},
         {"row_class", active ? "active" : "inactive"},
         {"label", t.token_label},
         {"scope", std::string(scope_label(t.scope))},
         {"generated_by", t.generated_by == patd::GeneratedBy::automatic
                              ? "<span class=\"badge auto\">Auto-generated</span>"
                              : "Manual"},
         {"created", time_element(t.created_at, now)},
         {"last_used", t.last_used ? time_element(*t.last_used, now) : "Never"},
         {"expires", expires},
         {"state", std::string(state)},
         {"state_class", active ? "active" : (state == "Expired" ? "expired" : "inactive")},
         {"toggle", toggle}});
}

std::string pager_html(PageChoice choice, long long count) {
    const long long page = choice.page;
    const long long pages = std::max<long long>(1, (count + choice.size - 1) / choice.size);
    if (pages <= 1) return {};
    auto link = [&choice](long long p, const char* rel, const char* text) {
        std::string a = "<a href=\"";
        append_escaped(a, list_url(p, choice.size));
        return a + "\" rel=\"" + rel + "\">" + text + "</a>";
    };
    return render_asset("pager.html",
                        {{"previous", page > 1 ? link(page - 1, "prev", "← Previous") : ""},
                         {"next", page < pages ? link(page + 1, "next", "Next →") : ""},
                         {"page", std::to_string(page)},
                         {"pages", std::to_string(pages)}});
}

// The token table page; `dialog` is the Generate reply's dialog, if any.
Response list_page(RouteContext& ctx, const SignedIn& who, PageChoice choice, std::string flash,
                   const std::string& dialog, int status = 200) {
    auto listing = ctx.service.list_tokens(who.principal(), {choice.page, choice.size});
    if (!listing)
        return message_page(503, "Tokens cannot be shown",
                            "The token service cannot read them right now. Try again "
                            "in a moment.",
                            std::string(k_list), "Reload", &who);
    if (listing->results.empty() && choice.page > 1)
        return redirect(list_url(
            std::max<long long>(1, (listing->count + choice.size - 1) / choice.size), choice.size));
    const auto now = now_of(ctx);
    std::string rows;
    bool any_auto = false;
    for (const auto& t : listing->results) {
        rows += row_html(t, who, now);
        any_auto = any_auto || t.generated_by == patd::GeneratedBy::automatic;
    }
    const std::string listing_html = listing->count == 0
                                         ? render_asset("tokens_empty.html", {})
                                         : render_asset("tokens_table.html", {{"rows", rows}});
    const std::string content =
        dialog + render_asset("tokens.html",
                              {{"flash", flash},
                               {"active", std::to_string(listing->active_count)},
                               {"inactive", std::to_string(listing->count - listing->active_count)},
                               {"auto_note", any_auto ? render_asset("auto_note.html", {}) : ""},
                               {"listing", listing_html},
                               {"pager", pager_html(choice, listing->count)},
                               {"ci_tokens", ci_tokens_html(ctx, who, now)},
                               {"csrf", who.csrf()}});
    return settings_page(status, "Personal access tokens", "tokens", content, who);
}

std::string option(std::string_view value, std::string_view text, std::string_view selected) {
    std::string out = "<option value=\"";
    append_escaped(out, value);
    out += value == selected ? "\" selected>" : "\">";
    append_escaped(out, text);
    return out + "</option>\n";
}

std::string radio(std::string_view value, std::string_view text, std::string_view hint,
                  std::string_view selected) {
    std::string out = "<label><input type=\"radio\" name=\"scope\" value=\"";
    append_escaped(out, value);
    out +=
        value == selected ? "\" checked required> <span><strong>" : "\" required> <span><strong>";
    append_escaped(out, text);
    out += "</strong><br><span class=\"hint\">";
    append_escaped(out, hint);
    return out + "</span></span></label>\n";
}

struct GenerateForm {
    std::string description;
    std::string expiration = "30";
    std::string expires_on;
    std::string scope = "read";
};

Response new_token_page(RouteContext& ctx, const SignedIn& who, const GenerateForm& f,
                        std::string notice_html, int status) {
    const auto now = now_of(ctx);
    std::string expirations =
        option("none", "None", f.expiration) + option("30", "30 days", f.expiration) +
        option("60", "60 days", f.expiration) + option("90", "90 days", f.expiration) +
        option("custom", "Custom", f.expiration);
    std::string scopes =
        radio("read", "Read", "Pull images.", f.scope) +
        radio("write", "Read & Write", "Pull and push images.", f.scope) +
        radio("delete", "Read, Write & Delete", "Pull, push and delete images.", f.scope) +
        radio("public-read", "Public repo read-only", "Pull public images only.", f.scope);
    const std::string content =
        render_asset("token_new.html", {{"notice", notice_html},
                                        {"csrf", who.csrf()},
                                        {"description", f.description},
                                        {"expiration_options", expirations},
                                        {"expires_on", f.expires_on},
                                        {"min_date", day_of(now + std::chrono::days(1))},
                                        {"max_date", day_of(now + std::chrono::days(365))},
                                        {"scope_options", scopes}});
    return settings_page(status, "Generate new access token", "tokens", content, who);
}

Response generate(RouteContext& ctx, Request& req, const SignedIn& who) {
    auto form = form_body(req);
    if (!form)
        return new_token_page(ctx, who, {}, notice("error", "The form could not be read."), 400);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    GenerateForm f;
    f.description = http::first_param(*form, "description").value_or("");
    f.expiration = http::first_param(*form, "expiration").value_or("none");
    f.expires_on = http::first_param(*form, "expires_on").value_or("");
    f.scope = http::first_param(*form, "scope").value_or("");
    const auto now = now_of(ctx);
    patd::NewTokenRequest request;
    request.token_label = f.description;
    const std::string_view scope = scope_from_form(f.scope);
    if (scope.empty())
        return new_token_page(ctx, who, f, notice("error", "Choose the access permissions."), 400);
    request.scopes = {std::string(scope)};
    if (f.expiration == "30" || f.expiration == "60" || f.expiration == "90") {
        request.expires_at = now + std::chrono::days(std::stoi(f.expiration));
    } else if (f.expiration == "custom") {
        // The end of the chosen day, UTC.
        request.expires_at = patd::parse_rfc3339(f.expires_on + "T23:59:59Z");
        if (!request.expires_at || f.expires_on.size() != 10)
            return new_token_page(
                ctx, who, f, notice("error", "Pick a custom expiration date (YYYY-MM-DD)."), 400);
    } else if (f.expiration != "none") {
        return new_token_page(ctx, who, f, notice("error", "Choose an expiration."), 400);
    }
    auto created = ctx.service.create_token(who.principal(), request, http::client_info(req));
    if (!created) {
        const auto& e = created.error();
        std::string text = "The token could not be generated.";
        if (e.fields.count("token_label"))
            text = "The description must be 1 to 100 characters, without control characters.";
        else if (e.fields.count("expires_at"))
            text = "The expiration date must be in the future and at most one year ahead.";
        return new_token_page(ctx, who, f, notice("error", text),
                              e.code == patd::ErrorCode::bad_request ? 400 : 503);
    }
    const auto& v = created->view;
    const std::string registry = ctx.options.console_registry.empty()
                                     ? std::string("REGISTRY")
                                     : ctx.options.console_registry;
    const std::string dialog =
        render_asset("token_created.html",
                     {{"label", v.token_label},
                      {"scope", std::string(scope_label(v.scope))},
                      {"expires", v.expires_at ? exact_time(*v.expires_at) : std::string("Never")},
                      {"username", who.principal().username},
                      {"registry", registry},
                      {"token", std::string(created->token.reveal())}});
    return list_page(ctx, who, PageChoice{}, {}, dialog, 201);
}

// The token behind {uuid}, or the reply to send instead.
std::optional<patd::AccessTokenView> find(RouteContext& ctx, const SignedIn& who,
                                          const std::string& uuid, Response& error) {
    auto t = ctx.service.get_token(who.principal(), uuid);
    if (t) return std::move(*t);
    error = message_page(404, "Token not found",
                         "This token does not exist, or it was deleted already.",
                         std::string(k_list), "Back to the tokens", &who);
    return std::nullopt;
}

Response set_active(RouteContext& ctx, Request& req, const SignedIn& who, const std::string& uuid,
                    bool active) {
    auto form = form_body(req);
    if (!form) return redirect(k_list);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    patd::TokenPatch patch;
    patch.is_active = active;
    auto done = ctx.service.patch_token(who.principal(), uuid, patch, http::client_info(req));
    if (!done) {
        Response error;
        (void)find(ctx, who, uuid, error);
        return error.status == 404 ? error : redirect(k_list);
    }
    return redirect(std::string(k_list) + (active ? "?done=activated" : "?done=deactivated"));
}

Response edit_page(const SignedIn& who, const std::string& uuid, const std::string& label,
                   std::string notice_html, int status) {
    return settings_page(
        status, "Edit access token", "tokens",
        render_asset(
            "token_edit.html",
            {{"notice", notice_html}, {"csrf", who.csrf()}, {"uuid", uuid}, {"label", label}}),
        who);
}

Response save_edit(RouteContext& ctx, Request& req, const SignedIn& who, const std::string& uuid) {
    auto form = form_body(req);
    if (!form) return redirect(k_list);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    patd::TokenPatch patch;
    patch.token_label = http::first_param(*form, "description").value_or("");
    auto done = ctx.service.patch_token(who.principal(), uuid, patch, http::client_info(req));
    if (done) return redirect(std::string(k_list) + "?done=saved");
    if (done.error().code == patd::ErrorCode::bad_request)
        return edit_page(who, uuid, *patch.token_label,
                         notice("error",
                                "The description must be 1 to 100 characters, without "
                                "control characters."),
                         400);
    Response error;
    (void)find(ctx, who, uuid, error);
    return error;
}

Response delete_token(RouteContext& ctx, Request& req, const SignedIn& who,
                      const std::string& uuid) {
    auto form = form_body(req);
    if (!form) return redirect(k_list);
    if (auto bad = check_form(ctx, req, *form, &who)) return *bad;
    auto done = ctx.service.delete_token(who.principal(), uuid, http::client_info(req));
    if (done) return redirect(std::string(k_list) + "?done=deleted");
    Response error;
    (void)find(ctx, who, uuid, error);
    return error;
}

}  // namespace

void add_token_pages(http::Router& router, http::RouteContext& ctx) {
    const std::string base(k_list);
    router.add("GET", "/settings", for_signed_in(ctx, [](Request&, const SignedIn&, const auto&) {
                   return redirect("/settings/security");
               }));
    router.add("GET", base,
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return list_page(ctx, who, page_of(req), flash_of(req), "");
               }));
    router.add("POST", base,
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto&) {
                   return generate(ctx, req, who);
               }));
    router.add("GET", base + "/new",
               for_signed_in(ctx, [&ctx](Request&, const SignedIn& who, const auto&) {
                   return new_token_page(ctx, who, {}, "", 200);
               }));
    router.add("POST", base + "/{uuid}/activate",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto& p) {
                   return set_active(ctx, req, who, p.at(0), true);
               }));
    router.add("POST", base + "/{uuid}/deactivate",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto& p) {
                   return set_active(ctx, req, who, p.at(0), false);
               }));
    router.add("GET", base + "/{uuid}/edit",
               for_signed_in(ctx, [&ctx](Request&, const SignedIn& who, const auto& p) {
                   Response error;
                   auto t = find(ctx, who, p.at(0), error);
                   if (!t) return error;
                   return edit_page(who, t->uuid, t->token_label, "", 200);
               }));
    router.add("POST", base + "/{uuid}/edit",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto& p) {
                   return save_edit(ctx, req, who, p.at(0));
               }));
    router.add(
        "GET", base + "/{uuid}/delete",
        for_signed_in(ctx, [&ctx](Request&, const SignedIn& who, const auto& p) {
            Response error;
            auto t = find(ctx, who, p.at(0), error);
            if (!t) return error;
            return settings_page(
                200, "Delete access token", "tokens",
                render_asset("token_delete.html",
                             {{"csrf", who.csrf()}, {"uuid", t->uuid}, {"label", t->token_label}}),
                who);
        }));
    router.add("POST", base + "/{uuid}/delete",
               for_signed_in(ctx, [&ctx](Request& req, const SignedIn& who, const auto& p) {
                   return delete_token(ctx, req, who, p.at(0));
               }));
}

}  // namespace pat::console
