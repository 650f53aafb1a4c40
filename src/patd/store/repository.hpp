#pragma once
// Repository: everything the token service keeps in its database, as plain
// C++ records. Implementations: SQLite (store/sqlite/) and PostgreSQL
// (store/postgres/), both checked by one conformance suite.
//
// Thread safety: every implementation must be safe to call from several
// threads at once (the HTTP server has a thread pool). Each method is one
// transaction; a method that returns success has committed durably enough to
// survive a crash of the process.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "patd/domain/error.hpp"
#include "patd/domain/scope.hpp"
#include "patd/domain/time.hpp"
#include "patd/domain/types.hpp"
#include "patd/store/audit_store.hpp"
#include "patd/store/oidc_store.hpp"

namespace pat::patd {

struct AccountRecord {
    std::int64_t id = 0;
    std::string username;
    std::string password_hash;  // libsodium crypto_pwhash_str output
    Timestamp created_at;
    bool totp_enabled = false;
    std::string totp_secret_sealed;   // encrypted TOTP secret (binary), "" when off
    std::int64_t totp_last_step = 0;  // last accepted TOTP time step (replay guard)
};

struct TokenRecord {
    std::int64_t id = 0;  // assigned by insert_token
    std::string uuid;
    std::int64_t account_id = 0;
    std::string digest;  // HMAC-SHA256(pepper, token), 32 raw bytes; unique
    std::string label;
    TokenScope scope = TokenScope::public_read;
    bool is_active = true;
    GeneratedBy generated_by = GeneratedBy::manual;
    std::string client_id;
    std::string creator_ip;
    std::string creator_ua;
    Timestamp created_at;
    std::optional<Timestamp> expires_at;
    std::optional<Timestamp> last_used;
};

// A signed-in console (browser) session. The cookie holds a random id; only
// its keyed hash is stored, like a token's.
struct WebSessionRecord {
    std::string digest;  // HMAC-SHA256(pepper, cookie value), 32 raw bytes
    std::int64_t account_id = 0;
    Timestamp created_at;  // bounds the absolute lifetime
    Timestamp last_seen;   // bounds the idle lifetime
    std::string client_ip;
    std::string user_agent;
};

// One OAuth 2.0 device authorization (RFC 8628) from `docker-credential-pat
// login`: pending until the signed-in owner approves or denies it in the
// console; `issued` once the poller received its token.
enum class DeviceStatus { pending, approved, denied, issued };
std::string_view to_string(DeviceStatus s);
// The status a store row names; nullopt for anything else (a corrupt row).
std::optional<DeviceStatus> device_status_from(std::string_view text);

struct DeviceAuthRecord {
    std::string digest;     // HMAC-SHA256(pepper, device_code)
    std::string user_code;  // normalised: 8 characters of the user-code alphabet
    std::string client_id;
    std::string host_name;       // as the helper reported it (shown, never trusted)
    std::string helper_version;  // likewise
    std::string client_ip;
    Timestamp created_at;
    Timestamp expires_at;
    std::int64_t interval_seconds = 5;
    std::optional<Timestamp> last_poll;
    DeviceStatus status = DeviceStatus::pending;
    std::int64_t account_id = 0;  // who decided; 0 while pending
};

struct TokenListing {
    long long count = 0;
    long long active_count = 0;
    std::vector<TokenRecord> rows;  // newest first (created_at, then id, descending)
};

class Repository {
  public:
    virtual ~Repository() = default;

    // Accounts. create_account fails with conflict when the name is taken.
    virtual SResult<AccountRecord> create_account(const AccountRecord& account) = 0;
    virtual SResult<std::optional<AccountRecord>> find_account(std::string_view username) = 0;
    virtual SResult<std::optional<AccountRecord>> find_account_by_id(std::int64_t id) = 0;
    virtual SResult<std::vector<AccountRecord>> list_accounts() = 0;
    virtual SResult<void> set_password_hash(std::int64_t account_id, const std::string& hash) = 0;
    // Turns 2FA on (with the sealed secret) or off (sealed = "").
    virtual SResult<void> set_totp(std::int64_t account_id, bool enabled,
                                   const std::string& sealed_secret) = 0;
    // Atomically records `step` as used if it is newer than the last one;
    // false when it was already used (replay).
    virtual SResult<bool> consume_totp_step(std::int64_t account_id, std::int64_t step) = 0;

    // Tokens.
    virtual SResult<std::optional<TokenRecord>> find_token_by_digest(std::string_view digest) = 0;
    // The token with this digest and its owner, in one query (the hot path
    // of /token).
    virtual SResult<std::optional<std::pair<TokenRecord, AccountRecord>>> find_token_and_owner(
        std::string_view digest) = 0;
    // nullopt when no such token or it belongs to another account.
    virtual SResult<std::optional<TokenRecord>> find_token(std::int64_t account_id,
                                                           std::string_view uuid) = 0;
    // Manual and auto-generated tokens only; oidc tokens are listed by
    // oidc().list_tokens and counted in neither.
    virtual SResult<TokenListing> list_tokens(std::int64_t account_id, long long offset,
                                              long long limit) = 0;
    // Inserts `token`. When `max_auto` is set and the token is auto-generated,
    // the oldest auto-generated tokens of the account beyond `max_auto`
    // (counting the new one) are deleted in the same transaction.
    virtual SResult<TokenRecord> insert_token(const TokenRecord& token,
                                              std::optional<int> max_auto) = 0;
    // Applies the set fields; nullopt when the token is not the account's.
    virtual SResult<std::optional<TokenRecord>> update_token(std::int64_t account_id,
                                                             std::string_view uuid,
                                                             const TokenPatch& patch) = 0;
    // false when the token is not the account's.
    virtual SResult<bool> delete_token(std::int64_t account_id, std::string_view uuid) = 0;
    // last_used = max(last_used, used_at) for each entry, in one transaction.
    virtual SResult<void> update_last_used(
        const std::vector<std::pair<std::int64_t, Timestamp>>& entries) = 0;

    // Console sessions. insert_web_session also deletes every session whose
    // last_seen is before `idle_cutoff` or created_at before
    // `absolute_cutoff` (dead rows never pile up).
    virtual SResult<void> insert_web_session(const WebSessionRecord& session, Timestamp idle_cutoff,
                                             Timestamp absolute_cutoff) = 0;
    virtual SResult<std::optional<WebSessionRecord>> find_web_session(std::string_view digest) = 0;
    virtual SResult<void> touch_web_session(std::string_view digest, Timestamp last_seen) = 0;
    virtual SResult<void> delete_web_session(std::string_view digest) = 0;
    // Every session of the account ("sign out everywhere"); returns how many.
    virtual SResult<long long> delete_web_sessions(std::int64_t account_id) = 0;
    // Every auto-generated token of the account (the device sign-ins that
    // "sign out everywhere" ends too); returns how many.
    virtual SResult<long long> delete_auto_tokens(std::int64_t account_id) = 0;

    // Two-factor setup: the sealed secret waiting for its first code ("" clears it).
    virtual SResult<void> set_pending_totp(std::int64_t account_id, const std::string& sealed) = 0;
    virtual SResult<std::optional<std::string>> find_pending_totp(std::int64_t account_id) = 0;
    // Recovery codes (keyed hashes): replace the whole set, or use one (false
    // when it is not in the set, e.g. used before).
    virtual SResult<void> replace_recovery_codes(std::int64_t account_id,
                                                 const std::vector<std::string>& digests) = 0;
    virtual SResult<bool> consume_recovery_code(std::int64_t account_id,
                                                std::string_view digest) = 0;
    virtual SResult<long long> count_recovery_codes(std::int64_t account_id) = 0;

    // Device authorizations. insert_device_auth fails with conflict when the
    // user code is taken, and deletes rows that expired before `purge_before`.
    virtual SResult<void> insert_device_auth(const DeviceAuthRecord& device,
                                             Timestamp purge_before) = 0;
    virtual SResult<std::optional<DeviceAuthRecord>> find_device_auth(std::string_view digest) = 0;
    virtual SResult<std::optional<DeviceAuthRecord>> find_device_auth_by_user_code(
        std::string_view user_code) = 0;
    // Records a poll at `at` and the (possibly raised) interval.
    virtual SResult<void> record_device_poll(std::string_view digest, Timestamp at,
                                             std::int64_t interval_seconds) = 0;
    // pending -> approved/denied by `account_id`, only while not expired at
    // `now`; false otherwise (decided already, expired, unknown).
    virtual SResult<bool> decide_device_auth(std::string_view user_code, std::int64_t account_id,
                                             bool approve, Timestamp now) = 0;
    // approved -> issued; true for exactly one caller (the poll that hands
    // out the token).
    virtual SResult<bool> claim_device_auth(std::string_view digest) = 0;

    // Cheap round trip to the database (for /healthz).
    virtual SResult<void> ping() = 0;

    // Issuers, trust policies, the jti replay cache and oidc tokens.
    virtual OidcStore& oidc() = 0;

    // The audit log.
    virtual AuditStore& audit() = 0;
};

// Opens a repository from a URL and runs pending schema migrations:
//   sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory: ;
//   postgresql://... (libpq URI; bad_request when built without libpq).
// A database that cannot be reached or opened is `unavailable`.
SResult<std::unique_ptr<Repository>> open_repository(std::string_view url);

}  // namespace pat::patd
