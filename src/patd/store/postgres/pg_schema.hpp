#pragma once
// PostgreSQL schema migrations and row mapping. Same model as the SQLite
// store: times are microseconds since the epoch (BIGINT), digests BYTEA.

#include <cstdint>

#include "patd/store/postgres/pg_db.hpp"
#include "patd/store/repository.hpp"

#define PATD_PG_TOKEN_COLUMNS                                                               \
    "t.id, t.uuid, t.account_id, t.digest, t.label, t.scope, t.is_active, t.generated_by, " \
    "t.client_id, t.creator_ip, t.creator_ua, t.created_at, t.expires_at, t.last_used"
#define PATD_PG_ACCOUNT_COLUMNS                                                        \
    "a.id, a.username, a.password_hash, a.created_at, a.totp_enabled, a.totp_secret, " \
    "a.totp_last_step"

namespace pat::patd::pg {

inline constexpr int k_token_columns = 14;

// Applies pending migrations; several patd instances may start at once
// (serialised with an advisory lock). Throws PgError, or std::runtime_error
// for a database made by a newer patd.
void migrate(Connection& c);

AccountRecord account_from(const Rows& rows, int row, int first = 0);
TokenRecord token_from(const Rows& rows, int row, int first = 0);
// Inserts `t` (inside the caller's transaction) and returns it with its id.
TokenRecord insert_token_row(Connection& c, const TokenRecord& t);
// One page of the account's tokens, newest first, with the counts: the
// OIDC exchange's tokens when `oidc`, else the manual and auto-generated
// ones (read in one snapshot).
TokenListing list_tokens(Connection& c, std::int64_t account_id, bool oidc, long long offset,
                         long long limit);

}  // namespace pat::patd::pg
