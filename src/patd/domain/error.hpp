#pragma once
// The closed set of failures the token service reports. The HTTP layer maps
// each code to one status (see `http_status`) and shows `message` as the
// JSON `detail`. Messages are safe to show: they never contain a secret
// (no token, password, TOTP secret or code, hash, or session token).

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace pat::patd {

enum class ErrorCode {
    bad_request,            // 400; `fields` names each bad field
    unauthorized,           // 401; bad or unusable credentials, `message` says why
    forbidden_pat_session,  // 403; a PAT session on a token-management route
    forbidden,              // 403; authenticated, but this account may not do it
    not_found,              // 404; also another account's token (never 403)
    conflict,               // 409; e.g. the username exists already
    rate_limited,           // 429; `retry_after` is the Retry-After value
    require_2fa,            // 401; `login_2fa_token` goes into the reply body
    use_pat,                // 401; /token got a password for a 2FA account
    unavailable,            // 503; the database does not answer (health)
    internal,               // 500; details went to the log, not to the client
};

// Why credentials were refused: the `reason` of every 401 reply, one stable
// lower_snake word that clients act on, so that none has to match the
// English `detail` (docs/patd-http.md "Why a 401").
enum class AuthReason {
    none,                      // not a 401
    authentication_required,   // no credentials, or malformed ones
    bad_credentials,           // wrong username or password
    unknown,                   // no such PAT for this account (also not PAT-shaped)
    deactivated,               // the PAT is deactivated
    expired,                   // the PAT has expired
    session_invalid,           // a session token that is forged, malformed or expired
    session_revoked,           // the PAT behind a PAT session no longer authenticates
    session_ended,             // the console session ended (idle, age, sign-out)
    two_factor_required,       // the password was right; send a TOTP code with login_2fa_token
    two_factor_token_invalid,  // login_2fa_token forged, malformed or expired
    two_factor_code_invalid,   // wrong TOTP or recovery code
    two_factor_code_reused,    // a TOTP code that was used already
    two_factor_not_enabled,    // a 2FA login for an account without 2FA
    pat_required,              // /token: 2FA is on, so a password is not enough
    id_token_refused,          // the CI's ID token failed a check (the detail names it)
};

// Exact texts clients match on (Docker Hub / docker CLI compatibility).
inline constexpr std::string_view k_detail_pat_forbidden =
    "access to the resource is forbidden with personal access token";
inline constexpr std::string_view k_detail_require_2fa =
    "Require secondary authentication on MFA enabled account";
// /token sends this as {"details": ...}; the docker CLI then prints
// "unauthorized: please use personal access token to login".
inline constexpr std::string_view k_detail_use_pat = "please use personal access token to login";
// rate_limited: too many wrong passwords or 2FA codes (the rate-limit ban,
// which lasts `retry_after`), or too many correct passwords for one account.
inline constexpr std::string_view k_detail_rate_limited = "too many failed authentication attempts";
inline constexpr std::string_view k_detail_password_budget =
    "too many password logins for this account, use a personal access token";

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;
    // bad_request only: field name -> what is wrong with it.
    std::map<std::string, std::string> fields;
    // rate_limited only: seconds until the ban ends (>= 1).
    std::chrono::seconds retry_after{0};
    // require_2fa only: the short-lived token for POST /v2/users/2fa-login.
    std::string login_2fa_token;
    // unauthorized, require_2fa and use_pat: why (never none for those).
    AuthReason reason = AuthReason::none;
};

template <class T>
using SResult = pat::Result<T, Error>;

// Constructors for the common cases.
Error bad_request(std::string field, std::string problem);
Error unauthorized(std::string message, AuthReason reason);
Error forbidden_pat_session();
Error forbidden(std::string message);
Error not_found(std::string message);
Error conflict(std::string message);
// `message` defaults to k_detail_rate_limited.
Error rate_limited(std::chrono::seconds retry_after, std::string message = {});
Error require_2fa(std::string login_2fa_token);
Error use_pat();
Error unavailable(std::string message);
Error internal_error(std::string message);

// The HTTP status for a code (400, 401, 403, 403, 404, 409, 429, 401, 401, 503, 500).
int http_status(ErrorCode code);
// A stable lower_snake name for logs and metrics labels ("rate_limited", ...).
std::string_view code_name(ErrorCode code);
// The `reason` word of a 401 ("deactivated", ...); "" for AuthReason::none.
std::string_view reason_name(AuthReason reason);

}  // namespace pat::patd
