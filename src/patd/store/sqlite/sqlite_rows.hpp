#pragma once
// Row <-> record mapping and the multi-statement token operations of the
// SQLite store.

#include <cstdint>
#include <optional>
#include <string_view>

#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

// Macros, not constants, so that "SELECT ... " "WHERE ..." concatenates into
// one string literal (statements are cached by literal address).
#define PATD_SELECT_ACCOUNT                                                       \
    "SELECT id, username, password_hash, created_at, totp_enabled, totp_secret, " \
    "totp_last_step FROM accounts"
#define PATD_SELECT_TOKEN                                                                     \
    "SELECT id, uuid, account_id, digest, label, scope, is_active, generated_by, client_id, " \
    "creator_ip, creator_ua, created_at, expires_at, last_used FROM tokens"

// A token and its owner in one row: token columns 0-13, account columns 14-20.
#define PATD_SELECT_TOKEN_AND_OWNER                                                         \
    "SELECT t.id, t.uuid, t.account_id, t.digest, t.label, t.scope, t.is_active, "          \
    "t.generated_by, t.client_id, t.creator_ip, t.creator_ua, t.created_at, t.expires_at, " \
    "t.last_used, a.id, a.username, a.password_hash, a.created_at, a.totp_enabled, "        \
    "a.totp_secret, a.totp_last_step FROM tokens t JOIN accounts a ON a.id = t.account_id"

namespace pat::patd::sqlite {

// The current row of a PATD_SELECT_ACCOUNT / PATD_SELECT_TOKEN statement,
// whose columns start at `first` (for joins).
AccountRecord account_from(const Statement& s, int first = 0);
TokenRecord token_from(const Statement& s, int first = 0);
inline constexpr int k_token_columns = 14;

std::optional<TokenRecord> find_token(Connection& c, std::int64_t account_id,
                                      std::string_view uuid);
// Inserts and returns the record with its new id (inside the caller's transaction).
TokenRecord insert_token(Connection& c, const TokenRecord& t);
// One page of the account's tokens, newest first, with the counts: the
// OIDC exchange's tokens when `oidc`, else the manual and auto-generated
// ones (read in one snapshot).
TokenListing list_tokens(Connection& c, std::int64_t account_id, bool oidc, long long offset,
                         long long limit);
// Deletes the oldest auto-generated tokens of the account beyond `keep`.
void evict_auto_tokens(Connection& c, std::int64_t account_id, int keep);

}  // namespace pat::patd::sqlite
