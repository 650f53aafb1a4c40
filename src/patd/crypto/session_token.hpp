#pragma once
// Stateless session tokens: compact JWS (HS256) signed with the session key.
// Two kinds: a login session (<= 30 min; records whether it came from a
// password or a PAT) and the short-lived login_2fa_token of the 2FA step.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/secret.hpp"

namespace pat::patd {

enum class SessionKind { session, login_2fa };

struct SessionClaims {
    SessionKind kind = SessionKind::session;
    std::int64_t account_id = 0;
    std::string username;
    std::string pat_uuid;  // non-empty = a PAT session
    std::chrono::system_clock::time_point issued_at;
    std::chrono::system_clock::time_point expires_at;
    std::string jti;  // random id, so two tokens never repeat
};

// header.claims.signature, base64url without padding.
std::string sign_session(const SessionClaims& claims, const Secret& key);
// nullopt when malformed, badly signed, of another kind, or expired at `now`.
std::optional<SessionClaims> verify_session(std::string_view token, SessionKind kind,
                                            const Secret& key,
                                            std::chrono::system_clock::time_point now);

}  // namespace pat::patd
