#pragma once
// Pure parsing of command-line values used by the commands (no I/O):
// durations (`--ttl 2h`), expiry dates (`--expires 30d|90d|YYYY-MM-DD`),
// scope names and the registry actions a scope grants.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "credentials/errors.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper::cmd {

// "90s", "45m", "2h", "30d" (a positive integer and one unit) -> seconds.
// Errors are Errc::bad_input naming `option` and the accepted forms.
cred::Result<std::chrono::seconds> parse_duration(std::string_view text, std::string_view option);

// `--expires`: a duration from `now` ("30d", "90d", "12h"), a date
// "YYYY-MM-DD" (midnight UTC of that day) or an RFC 3339 time. Must be in
// the future; patd itself enforces "at most one year ahead".
cred::Result<tokenclient::TimePoint> parse_expiry(std::string_view text,
                                                  tokenclient::TimePoint now);

// The CLI's scope names -> patd's: read -> repo:read, write -> repo:write,
// delete -> repo:admin, public-read -> repo:public_read.
cred::Result<std::string> patd_scope_from_cli(std::string_view text);

// patd scope -> its CLI name (repo:admin -> delete …); unknown names as is.
std::string cli_scope_from_patd(std::string_view scope);

// The registry actions a token's scopes allow: for patd scopes
// repo:public_read/repo:read -> pull, repo:write -> pull,push,
// repo:admin -> pull,push,delete; for kind registry the scopes already are
// the granted actions. Unknown names grant nothing.
std::set<std::string> granted_actions(const std::vector<std::string>& scopes,
                                      tokenclient::ServiceKind kind);

// `--require pull|push|delete`; the action itself, or bad_input.
cred::Result<std::string> parse_required_action(std::string_view text);

// "pull,push" style list of a set ("none" when empty).
std::string join_actions(const std::set<std::string>& actions);

// An HTTP Date header (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"), for
// doctor's clock-skew check; nullopt for anything else.
std::optional<tokenclient::TimePoint> parse_http_date(std::string_view text);

}  // namespace pat::helper::cmd
