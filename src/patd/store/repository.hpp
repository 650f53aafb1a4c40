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

    // Cheap round trip to the database (for /healthz).
    virtual SResult<void> ping() = 0;

    // Issuers, trust policies, the jti replay cache and oidc tokens.
    virtual OidcStore& oidc() = 0;
};

// Opens a repository from a URL and runs pending schema migrations:
//   sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory: ;
//   postgresql://... (libpq URI; bad_request when built without libpq).
// A database that cannot be reached or opened is `unavailable`.
SResult<std::unique_ptr<Repository>> open_repository(std::string_view url);

}  // namespace pat::patd
