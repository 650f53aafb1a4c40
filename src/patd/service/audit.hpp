#pragma once
// The audit log's vocabulary and how the service writes it (docs/patd-api.md,
// "Audit log"). Every event names its account, its actor, the token it
// concerns, the client's address and User-Agent, and a small JSON detail.
// Nothing written here is ever a secret: no token, password, TOTP or
// recovery code, session token or cookie, ID token.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "patd/domain/time.hpp"
#include "patd/domain/types.hpp"

namespace pat::patd {

struct TokenRecord;

namespace audit_kind {
inline constexpr std::string_view token_created = "token.created";
// First use per --last-used-interval from each source address.
inline constexpr std::string_view token_used = "token.used";
inline constexpr std::string_view token_renamed = "token.renamed";
inline constexpr std::string_view token_activated = "token.activated";
inline constexpr std::string_view token_deactivated = "token.deactivated";
inline constexpr std::string_view token_deleted = "token.deleted";
inline constexpr std::string_view token_expired = "token.expired";
inline constexpr std::string_view signin = "signin";
inline constexpr std::string_view signin_failed = "signin.failed";
inline constexpr std::string_view two_factor_enabled = "2fa.enabled";
inline constexpr std::string_view two_factor_disabled = "2fa.disabled";
inline constexpr std::string_view oidc_exchange = "oidc.exchange";
inline constexpr std::string_view oidc_exchange_refused = "oidc.exchange.refused";
// Defined for signing-key rotation, which patd does not have yet: nothing
// writes it today.
inline constexpr std::string_view key_rotated = "key.rotated";
}  // namespace audit_kind

// "account:alice" for a password session, "token:<uuid>" for a PAT session.
std::string actor_of(const Principal& who);
// The actor of a token's own requests: "token:<uuid>", or for a token from
// the OIDC exchange the job's identity "oidc:<sub>" (as its label names it).
std::string actor_of(const TokenRecord& token);
// A client-chosen text as the audit log keeps it: printable ASCII (anything
// else becomes '?'), at most `max` bytes.
std::string audit_text(std::string_view text, std::size_t max = 256);

// Remembers when a token was last recorded as used from an address, so the
// log gets the first use per interval and source, not every request (the
// /token hot path). Bounded: forgets everything beyond k_max_entries, which
// only means an extra event.
class AuditUseThrottle {
  public:
    static constexpr std::size_t k_max_entries = 16384;
    explicit AuditUseThrottle(std::chrono::seconds interval) : m_interval(interval) {}
    // True when this use is to be recorded (and remembers it).
    bool first_use(std::int64_t token_id, std::string_view ip, Timestamp now);

  private:
    std::chrono::seconds m_interval;
    std::mutex m_mutex;
    std::unordered_map<std::string, Timestamp> m_last;
};

}  // namespace pat::patd
