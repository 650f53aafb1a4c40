#pragma once
// Plain domain types shared by the service, the store and the HTTP layer.
// No HTTP, JSON or database types here.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.hpp"
#include "patd/domain/scope.hpp"
#include "patd/domain/time.hpp"

namespace pat::patd {

// What the service shows about an account (`patd user list`).
struct AccountInfo {
    std::string username;
    Timestamp created_at;
    bool two_factor_enabled = false;
};

// manual: POST /v2/access-tokens; automatic: desktop-generate (capped);
// oidc: issued by the OIDC token exchange (short-lived, in neither cap,
// listed apart, deleted after expiry).
enum class GeneratedBy { manual, automatic, oidc };
// "manual", "auto" or "oidc" (the accessToken JSON value).
std::string_view to_string(GeneratedBy g);
// The inverse of to_string; anything else is manual (rows of old patds).
GeneratedBy parse_generated_by(std::string_view text);

// The accessToken of the API, without the plaintext token (see CreatedToken).
// One source address a token was used from, with the latest such use (the
// audit log's "token.used" events).
struct TokenAddressUse {
    std::string ip;
    Timestamp last_used;
};

struct AccessTokenView {
    std::string uuid;
    std::string client_id;
    std::string creator_ip;
    std::string creator_ua;
    Timestamp created_at;
    std::optional<Timestamp> last_used;  // includes a pending coalesced value
    GeneratedBy generated_by = GeneratedBy::manual;
    bool is_active = true;
    std::string token_label;
    TokenScope scope = TokenScope::public_read;  // JSON: "scopes":[to_string(scope)]
    std::optional<Timestamp> expires_at;
    // Filled by the single-token view only (GET /v2/access-tokens/{uuid}):
    // recent distinct addresses, most recent first.
    std::vector<TokenAddressUse> last_used_ips;
};

// The reply to create / desktop-generate: the only time `token` is shown.
struct CreatedToken {
    AccessTokenView view;
    Secret token;
};

// Who called a token-management route, from authenticate_session().
struct Principal {
    std::int64_t account_id = 0;
    std::string username;
    // True when the session came from logging in with a PAT instead of the
    // password; such sessions must not manage tokens (403).
    bool is_pat_session = false;
    std::string pat_uuid;  // the PAT behind a PAT session, else ""
};

// Where a request came from; recorded on tokens and used by rate limiting.
struct ClientInfo {
    std::string ip;          // remote address, no port
    std::string user_agent;  // may be empty
    std::string client_id;   // e.g. "docker", "HUB"; empty = default "patd"
};

// POST /v2/access-tokens.
struct NewTokenRequest {
    std::string token_label;
    // The request's `scopes` array; exactly one valid scope is accepted.
    std::vector<std::string> scopes;
    std::optional<Timestamp> expires_at;
};

// PATCH /v2/access-tokens/{uuid}; unset fields stay unchanged.
struct TokenPatch {
    std::optional<std::string> token_label;
    std::optional<bool> is_active;
};

struct PageRequest {
    long long page = 1;        // >= 1
    long long page_size = 10;  // 1..100
};

// GET /v2/access-tokens. `next`/`previous` URLs are built by the HTTP layer
// from has_next/has_previous.
struct TokenPage {
    long long count = 0;         // all tokens of the account
    long long active_count = 0;  // of those, is_active (expired ones included)
    bool has_next = false;
    bool has_previous = false;
    std::vector<AccessTokenView> results;  // newest first
};

// Credentials presented at /token, login or the current routes.
struct BasicCredentials {
    std::string username;
    Secret secret;  // a PAT or a password
};

// /token (GET or POST form).
struct GrantRequest {
    std::optional<BasicCredentials> credentials;  // nullopt = anonymous
    ClientInfo client;
    std::string service;
    // Each element may hold one scope or several space-separated ones.
    std::vector<std::string> scopes;
};

struct GrantedAccess {
    std::string type;
    std::string resource_class;  // "" = omit from the JWT
    std::string name;
    std::vector<std::string> actions;  // never empty
    bool operator==(const GrantedAccess&) const = default;
};

// What to put in the registry JWT: `sub` and `access`.
struct Grant {
    std::string subject;  // "" for anonymous
    std::vector<GrantedAccess> access;
    // The PAT's own expiry, when it has one: a registry token must not
    // outlive the credential it was granted for.
    std::optional<Timestamp> not_after = std::nullopt;
};

// --- the web console ------------------------------------------------------

// A console (browser) session that authenticated: who, and the CSRF token
// every state-changing form of this session must carry.
struct WebPrincipal {
    Principal principal;
    std::string csrf_token;  // derived from the session id: not a stored secret
};

// A signed-in console session: the cookie value (a bearer secret) and its
// CSRF token.
struct WebSession {
    Secret cookie;
    std::string csrf_token;
};

// What "sign out everywhere" ended.
struct SignedOutEverywhere {
    long long sessions = 0;     // console sessions, this one included
    long long auto_tokens = 0;  // auto-generated tokens deleted
};

// The first step of enabling 2FA from the console: what the authenticator
// app needs. The secret is kept "pending" until a first code confirms it.
struct TotpSetup {
    Secret secret_base32;  // shown as text under the QR code
    Secret otpauth_uri;    // encoded in the QR code
};

struct TwoFactorStatus {
    bool enabled = false;
    long long recovery_codes_left = 0;
};

// POST /oauth/device/code: who asks (as the helper reports it; shown to the
// person approving, never trusted for anything else).
struct DeviceRequest {
    std::string client_id;       // e.g. "docker-credential-pat"
    std::string host_name;       // the machine's name
    std::string helper_version;  // e.g. "0.1.0"
};

// The reply of a device authorization request (RFC 8628 §3.2).
struct DeviceGrant {
    Secret device_code;     // the poller's secret
    std::string user_code;  // "BCDF-GHJK": what the person types or confirms
    std::chrono::seconds expires_in{0};
    std::chrono::seconds interval{0};
};

// What the console shows about a device authorization before approval.
struct DeviceView {
    std::string user_code;  // formatted "XXXX-XXXX"
    std::string host_name;
    std::string helper_version;
    std::string client_ip;
    Timestamp created_at;
    Timestamp expires_at;
    std::string status;  // "pending", "approved", "denied", "issued", "expired"
};

// One poll of the token endpoint (RFC 8628 §3.4-3.5). `state` is the
// RFC's error code, or "" when `token` is set.
struct DevicePoll {
    std::string state;  // "authorization_pending", "slow_down", "access_denied", "expired_token"
    std::chrono::seconds interval{0};
    std::string username;         // set with the token
    std::optional<Secret> token;  // the auto-generated PAT, handed out once
    std::optional<AccessTokenView> view;
};

// Counters for /metrics (monotonic since start).
struct ServiceStats {
    std::uint64_t last_used_writes = 0;    // patd_last_used_writes_total
    std::uint64_t auth_failures = 0;       // bad credentials of any kind
    std::uint64_t rate_limited = 0;        // requests refused with 429
    std::uint64_t rate_limit_entries = 0;  // counters the rate limiter holds now
    std::uint64_t grants = 0;              // successful /token grants
    std::uint64_t tokens_created = 0;
    // Strings reported at POST /v2/credentials/revoke: refused by the
    // checksum (no database work), and looked up. How many matched is not
    // counted, so the metrics cannot tell a reporter that a string was live.
    std::uint64_t leak_reports_malformed = 0;
    std::uint64_t leak_reports_checked = 0;
};

}  // namespace pat::patd
