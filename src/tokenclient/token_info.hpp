#pragma once
// What the helper knows about a stored token. The helper keeps it as
// metadata next to the secret (helper/state/token_metadata.hpp) and in the
// verdict cache the flush refreshes. Every field is non-secret.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pat::tokenclient {

using TimePoint = std::chrono::system_clock::time_point;

// Order matters only for display. `unknown`: never checked (service down at
// store time, or an item written by another tool).
enum class TokenState { unknown, active, inactive, expired, deleted, invalid };

// "unknown" | "active" | "inactive" | "expired" | "deleted" | "invalid".
std::string_view to_string(TokenState state);
std::optional<TokenState> parse_token_state(std::string_view text);

// Whether `get` must drop the credential: inactive, expired, deleted, invalid.
bool is_revoked(TokenState state);

// Which kind of service answered. `patd`: the full API (scopes are patd's
// `repo:*` names). `registry`: the standard token protocol only (scopes are
// the granted actions on the probe repository: pull, push, delete).
enum class ServiceKind { none, patd, registry };
std::string_view to_string(ServiceKind kind);
std::optional<ServiceKind> parse_service_kind(std::string_view text);

struct TokenInfo {
    TokenState state = TokenState::unknown;
    ServiceKind kind = ServiceKind::none;
    std::string service_url;          // patd base URL, or the registry's token realm
    std::vector<std::string> scopes;  // see ServiceKind
    std::string uuid;                 // patd only
    std::string label;                // patd only
    std::string owner;                // the username the service confirmed
    std::string generated_by;         // patd: "manual" | "auto"
    std::optional<TimePoint> expires_at;
    std::optional<TimePoint> last_used;
    std::optional<TimePoint> created_at;  // patd's list (not kept as metadata)
    std::optional<TimePoint> checked_at;  // when the service last answered about it
    std::string reason;                   // one line: why the state is what it is
    std::string generation;               // random id of the stored credential (see pat_store)
};

// Whether the token is past expires_at at `now` (false without an expiry).
bool is_past_expiry(const TokenInfo& info, TimePoint now);

// RFC 3339 UTC with seconds ("2026-11-29T22:40:00Z"); parse accepts any
// RFC 3339 date-time (common/rfc3339.hpp) and drops fractional seconds.
std::string format_time(TimePoint t);
std::optional<TimePoint> parse_time(std::string_view text);

}  // namespace pat::tokenclient
