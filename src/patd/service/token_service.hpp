#pragma once
// TokenService: all of patd's behaviour behind the HTTP routes and the CLI,
// in plain C++ types (no HTTP, no JSON). The HTTP layer authenticates the
// transport (parses headers and bodies), calls one method, and maps the
// Result to a reply (Error -> http_status(code), {detail: message}).
//
// Thread-safe: one instance serves every HTTP worker thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/secret.hpp"
#include "patd/crypto/password.hpp"
#include "patd/crypto/random.hpp"
#include "patd/domain/error.hpp"
#include "patd/domain/oidc_types.hpp"
#include "patd/domain/types.hpp"
#include "patd/oidc/fetcher.hpp"
#include "patd/service/rate_limiter.hpp"
#include "patd/store/repository.hpp"

namespace pat::patd {

// Keyless CI (docs/oidc.md).
struct OidcServiceOptions {
    // Accounts that may add and remove trusted issuers through the API (the
    // CLI always may); everyone signed in may list them.
    std::vector<std::string> admins;
    // Total time for fetching an issuer's discovery document and JWKS.
    std::chrono::milliseconds fetch_timeout{4000};
    // At least this long between JWKS refetches caused by an unknown kid.
    std::chrono::seconds refresh_interval{30};
    // How often expired oidc tokens and jti entries are deleted.
    std::chrono::seconds sweep_interval{60};
    // null = libcurl; tests inject a fake.
    std::shared_ptr<oidc::Fetcher> fetcher;
};

struct ServiceOptions {
    std::string token_prefix = "dckr_pat_";
    // Namespaces (first path component of a repository name) anyone may pull.
    std::vector<std::string> public_namespaces;
    std::chrono::seconds session_ttl{30 * 60};  // login sessions, <= 30 min
    std::chrono::seconds login_2fa_ttl{5 * 60};
    std::chrono::seconds last_used_interval{60};  // --last-used-interval
    RateLimitOptions rate_limit;
    PasswordCost password_cost = PasswordCost::interactive;
    // Argon2id "interactive" needs 64 MiB per hash: at most this many run at
    // once (others wait), so a burst of password logins cannot balloon RSS.
    int max_concurrent_password_hashes = 2;
    std::string totp_issuer = "patd";  // shown by authenticator apps
    int max_auto_tokens = 5;
    OidcServiceOptions oidc;
    // Console sessions end after this long without a request, and after
    // the absolute lifetime whatever happens.
    std::chrono::seconds web_idle_ttl{30 * 60};
    std::chrono::seconds web_absolute_ttl{12 * 60 * 60};
    // Device authorizations (RFC 8628): lifetime of a code, and the poll
    // interval the helper is told (raised by 5 s on each slow_down).
    std::chrono::seconds device_code_ttl{10 * 60};
    std::chrono::seconds device_poll_interval{5};
    // Audit events older than this are deleted (--audit-retention; 0 keeps
    // them forever); checked with the sweep (OidcServiceOptions::sweep_interval).
    std::chrono::seconds audit_retention{std::chrono::days(90)};
};

// A page of the audit log: GET /v2/audit-logs, `patd audit`.
struct AuditQuery {
    PageRequest page;
    std::optional<std::string> token_uuid;
    std::optional<Timestamp> since;  // inclusive
    std::optional<Timestamp> until;  // exclusive
};

struct AuditPage {
    long long count = 0;
    bool has_next = false;
    bool has_previous = false;
    std::vector<AuditEventRecord> results;  // newest first
};

class TokenService {
  public:
    // `pepper`: 32 secret random bytes kept by the caller in the data dir
    // (mode 0600). Token digests, session tokens and the TOTP-secret
    // encryption key are all derived from it, so it must stay the same across
    // restarts. `clock` and `random` must outlive the service.
    TokenService(std::unique_ptr<Repository> repository, Secret pepper, ServiceOptions options,
                 const Clock& clock = system_clock(), RandomSource& random = os_random());
    ~TokenService();
    TokenService(const TokenService&) = delete;
    TokenService& operator=(const TokenService&) = delete;

    // --- accounts (CLI: patd user ...) -----------------------------------------
    // Username: 2-64 of [a-z0-9._-], starting and ending with a letter or digit
    // (it is a registry namespace). Password: 8-1024 bytes. conflict if taken.
    SResult<AccountInfo> create_account(std::string_view username, const Secret& password);
    SResult<std::vector<AccountInfo>> list_accounts();
    // Enables TOTP 2FA with a fresh secret and returns the otpauth:// URI
    // (the only time the secret is shown). Re-enabling replaces the secret.
    SResult<Secret> enable_2fa(std::string_view username);
    SResult<void> disable_2fa(std::string_view username);

    // --- sessions (POST /v2/users/login, /v2/users/2fa-login) ------------------
    // `secret` is the password, or a PAT of this account (-> a PAT session,
    // which skips 2FA). With 2FA on and a password: Error require_2fa carrying
    // the login_2fa_token. Returns the session token (a signed HS256 JWT).
    // Wrong passwords and 2FA codes are counted per account and source;
    // rate_limited while that key must wait (see rate_limiter.hpp).
    SResult<Secret> login(std::string_view username, const Secret& secret,
                          const ClientInfo& client);
    SResult<Secret> login_2fa(std::string_view login_2fa_token, std::string_view code,
                              const ClientInfo& client);
    // Verifies a session token from `Authorization: Bearer`. A PAT session
    // stops working when its PAT is deactivated, expired or deleted.
    SResult<Principal> authenticate_session(std::string_view bearer);

    // --- access tokens (password session only; a PAT session gets
    // forbidden_pat_session, another account's uuid gets not_found) ----------
    SResult<TokenPage> list_tokens(const Principal& who, PageRequest page);
    SResult<CreatedToken> create_token(const Principal& who, const NewTokenRequest& request,
                                       const ClientInfo& client);
    // An auto-generated repo:admin token labelled
    // "Generated by Docker Desktop for CLI usage"; at most max_auto_tokens
    // per account, the oldest deleted in the same transaction.
    SResult<CreatedToken> desktop_generate(const Principal& who, const ClientInfo& client);
    // With the token's recent source addresses (last_used_ips).
    SResult<AccessTokenView> get_token(const Principal& who, std::string_view uuid);
    // `client` is recorded in the audit log with the change.
    SResult<AccessTokenView> patch_token(const Principal& who, std::string_view uuid,
                                         const TokenPatch& patch, const ClientInfo& client = {});
    SResult<void> delete_token(const Principal& who, std::string_view uuid,
                               const ClientInfo& client = {});

    // --- the web console (docs/console.md) --------------------------------------
    // Sign-in for a browser. A PAT is refused before any database work
    // (forbidden_pat_session: it can never sign in to the console); a wrong
    // password is unauthorized, a ban rate_limited, and with 2FA on the
    // result is require_2fa carrying the login_2fa_token, as for login().
    SResult<WebSession> web_login(std::string_view username, const Secret& password,
                                  const ClientInfo& client);
    // The second step: `code` is a TOTP code or one unused recovery code
    // (which is then used up).
    SResult<WebSession> web_login_2fa(std::string_view login_2fa_token, std::string_view code,
                                      const ClientInfo& client);
    // The session behind a cookie; unauthorized when unknown, signed out,
    // idle longer than web_idle_ttl or older than web_absolute_ttl.
    SResult<WebPrincipal> authenticate_web_session(std::string_view cookie);
    // Sign out: the session ends on the server (the cookie is worthless after).
    SResult<void> end_web_session(std::string_view cookie);
    // "Sign out everywhere": ends every console session of the account and
    // deletes its auto-generated tokens (the device sign-ins of
    // `docker-credential-pat login`, which the helpers then drop at their
    // next check like any revoked token).
    SResult<SignedOutEverywhere> sign_out_everywhere(const Principal& who);

    // Two-factor authentication from the console (password session only).
    SResult<TwoFactorStatus> two_factor_status(const Principal& who);
    // Starts enabling 2FA: a fresh secret kept pending (conflict when 2FA is
    // on already). Calling it again replaces the pending secret, unless
    // `keep_pending` (showing the QR code again after a wrong first code).
    SResult<TotpSetup> begin_2fa_setup(const Principal& who, bool keep_pending = false);
    // Confirms the pending secret with a first code: 2FA is on from now, and
    // the result is 10 fresh recovery codes (shown once; only their keyed
    // hashes are kept).
    SResult<std::vector<Secret>> confirm_2fa_setup(const Principal& who, std::string_view code,
                                                   const ClientInfo& client);
    // Turns 2FA off after checking the password and a current code (TOTP or
    // recovery code); drops the recovery codes.
    SResult<void> disable_2fa_checked(const Principal& who, const Secret& password,
                                      std::string_view code, const ClientInfo& client);

    // Device authorization grant (RFC 8628) for `docker-credential-pat login`.
    SResult<DeviceGrant> start_device_authorization(const DeviceRequest& request,
                                                    const ClientInfo& client);
    // The authorization behind a user code (any spelling: case, dash,
    // spaces), for the Activate page; not_found when unknown, and counted as
    // a failed authentication (user codes are short enough to guess).
    SResult<DeviceView> find_device(const Principal& who, std::string_view user_code,
                                    const ClientInfo& client);
    // Approve or deny; bad_request when expired or decided already.
    SResult<void> decide_device(const Principal& who, std::string_view user_code, bool approve,
                                const ClientInfo& client);
    // One poll. Approved: creates the auto-generated token (repo:admin, label
    // naming the machine; the sixth auto token evicts the oldest) and hands
    // it out exactly once. An unknown device_code is bad_request.
    SResult<DevicePoll> poll_device(std::string_view device_code, const ClientInfo& client);
    // DELETE /v2/access-tokens/current: an auto-generated token deletes
    // itself (`logout`); a manual one is conflict (its owner deletes it in
    // the console or with `tokens delete`).
    SResult<void> revoke_current(const BasicCredentials& credentials, const ClientInfo& client);

    // --- a PAT presented with Basic auth (GET /v2/access-tokens/current) ------
    // unauthorized with a message naming why: "unknown token",
    // "token is deactivated", "token has expired". Never rate limited (a PAT
    // cannot be guessed; see rate_limiter.hpp).
    SResult<AccessTokenView> current(const BasicCredentials& credentials, const ClientInfo& client);
    // POST .../current/usage: last_used = max(last_used, min(used_at, now)).
    SResult<void> record_usage(const BasicCredentials& credentials,
                               std::optional<Timestamp> used_at, const ClientInfo& client);

    // --- registry token endpoint (GET/POST /token) ------------------------------
    // Grant = requested ∩ scope of the PAT ∩ repository access (own namespace
    // `<username>/...` and pull on public namespaces). A password (2FA off)
    // grants like repo:admin; with 2FA on it is use_pat. Malformed scope
    // strings are bad_request; `registry:catalog:*`, unknown types and
    // repository names outside the registry's grammar are never granted.
    // Too little access is an empty grant, not an error. Password attempts
    // are rate limited (rate_limited), PATs never.
    SResult<Grant> registry_grant(const GrantRequest& request);

    // --- keyless CI: issuers, trust policies, the exchange (docs/oidc.md) ------
    // CLI forms (the operator): no principal.
    // URL: https (http only on loopback), no query/fragment; audience
    // default k_oidc_default_audience. conflict when the URL is trusted already.
    SResult<OidcIssuer> add_oidc_issuer(std::string_view url, std::string_view audience);
    SResult<std::vector<OidcIssuer>> list_oidc_issuers();
    // By URL or id; conflict while policies name it; not_found.
    SResult<void> remove_oidc_issuer(std::string_view url_or_id);
    // At least one claim condition that is not only wildcards; scope
    // required (public_read refused); ttl k_oidc_min_ttl..k_oidc_max_ttl.
    SResult<OidcPolicy> add_oidc_policy(const NewOidcPolicy& policy);
    // All policies, or those of one account (not_found for an unknown one).
    SResult<std::vector<OidcPolicy>> list_oidc_policies(std::optional<std::string_view> account);
    SResult<void> remove_oidc_policy(std::string_view id);

    // API forms. Password session only (forbidden_pat_session); issuers are
    // listed to everyone signed in, changed only by OidcServiceOptions::admins
    // (unauthorized otherwise); policies are the caller's own.
    SResult<OidcIssuer> add_oidc_issuer(const Principal& who, std::string_view url,
                                        std::string_view audience);
    SResult<std::vector<OidcIssuer>> list_oidc_issuers(const Principal& who);
    SResult<void> remove_oidc_issuer(const Principal& who, std::string_view id);
    SResult<OidcPolicy> add_oidc_policy(const Principal& who, NewOidcPolicy policy);
    SResult<std::vector<OidcPolicy>> list_oidc_policies(const Principal& who);
    SResult<void> remove_oidc_policy(const Principal& who, std::string_view id);
    // The caller's oidc tokens (listed apart from list_tokens).
    SResult<TokenPage> list_oidc_tokens(const Principal& who, PageRequest page);

    // POST /v2/oidc/token: verifies the ID token (signature RS256/ES256 with
    // the issuer's JWKS, iss, aud, exp/nbf/iat with a small skew, jti not
    // seen before) and finds the policy its claims match, then issues a PAT
    // (generated_by oidc, the policy's scope and lifetime). Refusals are
    // unauthorized (bad_request for a malformed request) with a message
    // naming the failed check; an issuer whose keys cannot be fetched is
    // unavailable. Each outcome is logged as one structured line (claims,
    // never the token).
    SResult<OidcExchangeResult> exchange_oidc_token(const OidcExchangeRequest& request);
    // RFC 7009-style revocation by the token itself: deletes an oidc token.
    // ok for an unknown token (nothing to revoke); bad_request for a token
    // that is not from the exchange.
    SResult<void> revoke_oidc_token(const Secret& token, const ClientInfo& client);
    // A leaked-token report (POST /v2/credentials/revoke, no authentication):
    // deactivates each active token among `tokens` and audits it. ok whether
    // or not anything matched; rate_limited when the client's source is over
    // its failure budget (each report counts as one failure).
    SResult<void> revoke_leaked(const std::vector<Secret>& tokens, const ClientInfo& client);

    // True when `secret` would be checked as a password (Argon2id, ~0.1 s of
    // CPU and 64 MiB), false when it is taken for a PAT (a hash lookup). The
    // HTTP server runs the former on its own small pool.
    bool needs_password_check(std::string_view secret) const;

    // --- the audit log (docs/patd-api.md, "Audit log") ---------------------------
    // The caller's own account's events only (password session). page_size
    // 1..100 as for tokens.
    SResult<AuditPage> list_audit_events(const Principal& who, const AuditQuery& query);
    // `patd audit`: every account's events, or one account's (not_found for
    // an unknown name); page_size up to 10000.
    SResult<AuditPage> list_audit_events_admin(std::optional<std::string_view> account,
                                               const AuditQuery& query);

    // --- operations --------------------------------------------------------------
    // The options the service was built with (the console reads its session
    // lifetimes for cookie Max-Age).
    const ServiceOptions& options() const;
    // ok when the database answers, else unavailable.
    SResult<void> health();
    ServiceStats stats() const;
    // Writes pending last-used values whose interval elapsed (call it from a
    // timer, e.g. every few seconds).
    void flush_due();
    // Writes every pending last-used value (call on SIGTERM/SIGINT before exit).
    void flush();
    // Deletes expired oidc tokens and jti entries, records "token.expired"
    // for tokens that expired since, and prunes audit events older than
    // audit_retention, at most once per OidcServiceOptions::sweep_interval
    // (call it from the same timer).
    void sweep_expired();

    // Opaque state (service_impl.hpp), public only so the per-area source
    // files can name it.
    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace pat::patd
