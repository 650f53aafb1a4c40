#pragma once
// The token page's "CI tokens (OIDC)" section: the tokens the OIDC exchange
// issued to CI jobs, listed apart from the manual and auto-generated ones
// (docs/console.md "CI tokens"). Read-only: no secret, no actions.

#include <string>

#include "patd/console/page.hpp"

namespace pat::console {

// The section's HTML, or "" when the account has no CI token (or the
// service cannot list them: the rest of the page still shows).
std::string ci_tokens_html(RouteContext& ctx, const SignedIn& who, patd::Timestamp now);

}  // namespace pat::console
