#include "patd/console/ci_tokens.hpp"

#include "patd/console/token_view.hpp"

namespace pat::console {
namespace {

// CI tokens live minutes to an hour and are deleted after they expire, so
// one page of them is all there normally is; more than that is named.
constexpr long long k_shown = 50;

// The label the exchange gives is "OIDC <sub>": the subject is what names
// the job.
std::string subject_of(const patd::AccessTokenView& t) {
    constexpr std::string_view prefix = "OIDC ";
    const std::string_view label = t.token_label;
    return std::string(label.substr(0, prefix.size()) == prefix ? label.substr(prefix.size())
                                                                : label);
}

}  // namespace

std::string ci_tokens_html(RouteContext& ctx, const SignedIn& who, patd::Timestamp now) {
    auto listing = ctx.service.list_oidc_tokens(who.principal(), {1, k_shown});
    if (!listing || listing->count == 0) return {};
    std::string rows;
    for (const auto& t : listing->results) {
        rows +=
            render_asset("ci_token_row.html",
                         {{"uuid", t.uuid},
                          {"subject", subject_of(t)},
                          {"scope", std::string(scope_label(t.scope))},
                          {"expires", t.expires_at ? time_element(*t.expires_at, now) : "Never"},
                          {"created", time_element(t.created_at, now)},
                          {"last_used", t.last_used ? time_element(*t.last_used, now) : "Never"}});
    }
    std::string more;
    if (listing->count > static_cast<long long>(listing->results.size()))
        more = "<p class=\"note\">The newest " + std::to_string(listing->results.size()) + " of " +
               std::to_string(listing->count) +
               "; <code>GET /v2/oidc/tokens</code> lists them all.</p>";
    return render_asset("ci_tokens.html", {{"rows", rows}, {"more", more}});
}

}  // namespace pat::console
