#pragma once
// Internal state of TokenService shared by its per-area source files
// (accounts.cpp, sessions.cpp, token_admin.cpp, pat_auth.cpp,
// registry_grant.cpp), defined in service_impl.cpp. Not part of the public
// interface: token_service.hpp never includes this file.

#include <atomic>
#include <functional>
#include <mutex>
#include <semaphore>
#include <string>

#include "patd/crypto/keys.hpp"
#include "patd/oidc/key_cache.hpp"
#include "patd/service/audit.hpp"
#include "patd/service/last_used.hpp"
#include "patd/service/rate_limiter.hpp"
#include "patd/service/token_service.hpp"

namespace pat::patd {

// A PAT that authenticated, with its owner.
struct AuthenticatedPat {
    AccountRecord account;
    TokenRecord token;
};

struct TokenService::Impl {
    Impl(std::unique_ptr<Repository> repo, Secret pepper, ServiceOptions opts, const Clock& c,
         RandomSource& r);

    std::unique_ptr<Repository> repository;
    Keys keys;
    ServiceOptions options;
    const Clock& clock;
    RandomSource& random;
    std::unique_ptr<RateLimiter> limiter;
    LastUsedCoalescer last_used;
    oidc::KeyCache oidc_keys;
    std::mutex sweep_mutex;
    Timestamp last_sweep{};
    AuditUseThrottle audit_uses;

    // Bounds concurrent Argon2id work (see ServiceOptions).
    std::counting_semaphore<1024> password_gate;

    std::atomic<std::uint64_t> auth_failures{0};
    std::atomic<std::uint64_t> rate_limited_count{0};
    std::atomic<std::uint64_t> grants{0};
    std::atomic<std::uint64_t> tokens_created{0};
    std::atomic<std::uint64_t> leak_reports_malformed{0};
    std::atomic<std::uint64_t> leak_reports_checked{0};

    Timestamp now() const { return to_timestamp(clock.now()); }
    // A random RFC 4122 version 4 UUID.
    std::string new_uuid();
    // The API view of a stored token, with a pending last-used value merged in.
    AccessTokenView view_of(const TokenRecord& token) const;
    // True when `secret` is meant as a PAT: it carries the token prefix
    // (has_token_prefix in common/pat_format.hpp says why the prefix alone).
    bool meant_as_pat(std::string_view secret) const;

    // rate_limited while password or 2FA attempts for `username` from the
    // client's source must wait (and counts the refusal). With `username`
    // "" only the source is checked (the OIDC exchange).
    SResult<void> check_attempt(const ClientInfo& client, std::string_view username);
    // Counts a wrong password or 2FA code (with `username` "": a refused OIDC
    // ID token, against the source only) and returns `error` for chaining.
    Error failed_attempt(const ClientInfo& client, std::string_view username, Error error);
    // Counts a failure of a credential that cannot be guessed (a PAT, a
    // signed login_2fa_token) in the metrics only, never against an account
    // or source (see rate_limiter.hpp), and returns `error`.
    Error failed_unguessable(Error error);

    // Checks username + PAT: the name follows the username rules and the
    // token is well-formed (both before any database work), known, owned by
    // `username`, active, not expired. Errors are unauthorized with the
    // reason. Never rate limited or counted against anyone: a PAT cannot be
    // guessed.
    SResult<AuthenticatedPat> authenticate_pat(std::string_view username, std::string_view token);
    // authenticate_pat, counting failures in the metrics (the routes a PAT
    // calls with Basic auth).
    SResult<AuthenticatedPat> authenticate_pat_request(const BasicCredentials& credentials);
    // Validates `page` and turns one listing from `list(offset, limit)` into
    // the API's page.
    SResult<TokenPage> token_page(
        PageRequest page, const std::function<SResult<TokenListing>(long long, long long)>& list);
    // Makes `t` a new token of `account_id`: a fresh secret (returned), its
    // digest, a uuid, the creation time and the client's origin.
    Secret fill_new_token(std::int64_t account_id, TokenRecord& t, const ClientInfo& client);
    // Inserts a new token for `account_id` with a fresh secret, digest and
    // uuid (and evicts surplus auto-generated tokens in the same transaction),
    // and records its creation by `actor` in the audit log.
    SResult<CreatedToken> insert_new_token(std::int64_t account_id, TokenRecord t,
                                           const ClientInfo& client, std::string_view actor);

    // Appends one event to the audit log (service/audit.hpp). Best effort: a
    // failed write is logged and does not fail the operation it records.
    // `detail` must never hold a secret.
    void audit(std::string_view kind, std::int64_t account_id, const std::string& actor,
               std::string token_uuid, const ClientInfo& client,
               const nlohmann::json& detail = nlohmann::json::object());
    // The event audit() appends, for a caller that writes it in its own
    // transaction (the OIDC exchange).
    AuditEventRecord audit_event(std::string_view kind, std::int64_t account_id,
                                 const std::string& actor, std::string token_uuid,
                                 const ClientInfo& client, const nlohmann::json& detail);
    // "token.used" for the first use of `token` per last_used_interval and
    // source address; `via` says which route.
    void audit_token_use(const TokenRecord& token, const ClientInfo& client, std::string_view via);
    // "signin.failed" for a refused password or second factor given for
    // `username`: under that account when it exists, else under none and
    // without the name (a name that is no account may be a mistyped password).
    void audit_failed_signin(std::string_view username, const ClientInfo& client,
                             std::string_view via, std::string_view reason);

    // Checks username + password behind the rate limiter (Argon2id; a dummy
    // hash is verified for unknown users so timing does not reveal which
    // names exist): rate_limited while (username, source) or the source must
    // wait or the account used up its password logins, unauthorized for a
    // wrong password (counted). Names that fail the username rules are
    // unauthorized before anything is counted or looked up.
    SResult<AccountRecord> authenticate_password(std::string_view username,
                                                 std::string_view password,
                                                 const ClientInfo& client);

    // Opens a console session for a password-authenticated account.
    SResult<WebSession> open_web_session(std::int64_t account_id, const ClientInfo& client);
    // The CSRF token of a console session (HMAC of its cookie value).
    std::string csrf_for(std::string_view cookie) const;
    // Checks a second-factor code for `account`: a TOTP code (each step once)
    // or an unused recovery code (used up). Failures are counted.
    SResult<void> check_second_factor(const AccountRecord& account, std::string_view code,
                                      const ClientInfo& client);

  private:
    std::once_flag m_dummy_once;
    std::string m_dummy_hash;
};

// Holds one slot of the password gate for its lifetime.
class PasswordGate {
  public:
    explicit PasswordGate(std::counting_semaphore<1024>& gate) : m_gate(gate) { m_gate.acquire(); }
    PasswordGate(const PasswordGate&) = delete;
    PasswordGate& operator=(const PasswordGate&) = delete;
    ~PasswordGate() { m_gate.release(); }

  private:
    std::counting_semaphore<1024>& m_gate;
};

// Shared checks.
SResult<void> require_password_session(const Principal& who);
// A username is a registry namespace: 2-64 of [a-z0-9._-], starting and
// ending with a letter or digit.
bool valid_username(std::string_view name);

}  // namespace pat::patd
