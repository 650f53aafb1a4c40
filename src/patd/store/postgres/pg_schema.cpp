#include "patd/store/postgres/pg_schema.hpp"

#include <array>
#include <string>

namespace pat::patd::pg {

namespace {
// Append only: never edit a migration that has shipped.
constexpr std::array<const char*, 1> k_migrations = {
    R"sql(
CREATE TABLE accounts (
  id             BIGSERIAL PRIMARY KEY,
  username       TEXT    NOT NULL UNIQUE,
  password_hash  TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL,
  totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
  totp_secret    BYTEA,
  totp_last_step BIGINT  NOT NULL DEFAULT 0
);
CREATE TABLE tokens (
  id           BIGSERIAL PRIMARY KEY,
  uuid         TEXT    NOT NULL UNIQUE,
  account_id   BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  digest       BYTEA   NOT NULL UNIQUE,
  label        TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  is_active    BOOLEAN NOT NULL,
  generated_by TEXT    NOT NULL,
  client_id    TEXT    NOT NULL,
  creator_ip   TEXT    NOT NULL,
  creator_ua   TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  expires_at   BIGINT,
  last_used    BIGINT
);
CREATE INDEX tokens_by_account ON tokens(account_id, created_at DESC, id DESC);
)sql",
};

// An arbitrary constant naming patd's migration lock.
constexpr const char* k_lock = "SELECT pg_advisory_xact_lock(7061746400)";
}  // namespace

void migrate(Connection& c) {
    Transaction tx(c);
    c.exec(k_lock);
    c.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const Rows v = c.exec(
        "SELECT COUNT(*), COALESCE(MAX(version), 0), to_regclass('accounts') IS NOT NULL "
        "FROM schema_version");
    const auto current = static_cast<int>(v.int_at(0, 1));
    // patd's tables without exactly one version row: migration 1 would fail
    // on "relation accounts already exists" at best, so change nothing.
    if (v.int_at(0, 0) != (current > 0 ? 1 : 0) || (current == 0 && v.bool_at(0, 2)))
        throw std::runtime_error(
            "the database is corrupt (it has patd's tables but no readable schema version in "
            "schema_version); patd changed nothing: restore it from a backup");
    const int latest = static_cast<int>(k_migrations.size());
    if (current > latest)
        throw std::runtime_error("the database schema (version " + std::to_string(current) +
                                 ") is newer than this patd understands (version " +
                                 std::to_string(latest) + ")");
    for (int n = current + 1; n <= latest; ++n) {
        c.exec_script(k_migrations[static_cast<std::size_t>(n - 1)]);
        c.exec("DELETE FROM schema_version");
        c.exec("INSERT INTO schema_version (version) VALUES ($1)", {param(std::int64_t{n})});
    }
    tx.commit();
}

AccountRecord account_from(const Rows& r, int row, int first) {
    AccountRecord a;
    a.id = r.int_at(row, first + 0);
    a.username = r.text_at(row, first + 1);
    a.password_hash = r.text_at(row, first + 2);
    a.created_at = from_micros(r.int_at(row, first + 3));
    a.totp_enabled = r.bool_at(row, first + 4);
    if (!r.is_null(row, first + 5)) a.totp_secret_sealed = r.bytes_at(row, first + 5);
    a.totp_last_step = r.int_at(row, first + 6);
    return a;
}

TokenRecord token_from(const Rows& r, int row, int first) {
    TokenRecord t;
    t.id = r.int_at(row, first + 0);
    t.uuid = r.text_at(row, first + 1);
    t.account_id = r.int_at(row, first + 2);
    t.digest = r.bytes_at(row, first + 3);
    t.label = r.text_at(row, first + 4);
    const auto scope = parse_token_scope(r.text_at(row, first + 5));
    if (!scope) throw std::runtime_error("corrupt token row: unknown scope");
    t.scope = *scope;
    t.is_active = r.bool_at(row, first + 6);
    t.generated_by =
        r.text_at(row, first + 7) == "auto" ? GeneratedBy::automatic : GeneratedBy::manual;
    t.client_id = r.text_at(row, first + 8);
    t.creator_ip = r.text_at(row, first + 9);
    t.creator_ua = r.text_at(row, first + 10);
    t.created_at = from_micros(r.int_at(row, first + 11));
    if (const auto e = r.optional_int_at(row, first + 12)) t.expires_at = from_micros(*e);
    if (const auto l = r.optional_int_at(row, first + 13)) t.last_used = from_micros(*l);
    return t;
}

}  // namespace pat::patd::pg
