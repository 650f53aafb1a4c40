#include "patd/store/sqlite/migrations.hpp"

#include <array>
#include <string>

namespace pat::patd::sqlite {

namespace {
// Append only: never edit a migration that has shipped.
constexpr std::array<const char*, 1> k_migrations = {
    // 1: accounts and tokens. Times are microseconds since the Unix epoch (UTC).
    R"sql(
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  username       TEXT    NOT NULL UNIQUE,
  password_hash  TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  totp_enabled   INTEGER NOT NULL DEFAULT 0,
  totp_secret    BLOB,
  totp_last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY,
  uuid         TEXT    NOT NULL UNIQUE,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  digest       BLOB    NOT NULL UNIQUE,
  label        TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  is_active    INTEGER NOT NULL,
  generated_by TEXT    NOT NULL,
  client_id    TEXT    NOT NULL,
  creator_ip   TEXT    NOT NULL,
  creator_ua   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used    INTEGER
);
CREATE INDEX tokens_by_account ON tokens(account_id, created_at DESC, id DESC);
)sql",
};

void ensure_version_table(Connection& c) {
    c.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
}
}  // namespace

int latest_schema_version() {
    return static_cast<int>(k_migrations.size());
}

int schema_version(Connection& c) {
    ensure_version_table(c);
    auto stmt = c.prepare("SELECT MAX(version) FROM schema_version");
    return stmt.step() ? static_cast<int>(stmt.optional_int_at(0).value_or(0)) : 0;
}

void migrate(Connection& c) {
    ensure_version_table(c);
    Transaction tx(c, true);
    const int current = schema_version(c);
    if (current > latest_schema_version())
        throw std::runtime_error("the database schema (version " + std::to_string(current) +
                                 ") is newer than this patd understands (version " +
                                 std::to_string(latest_schema_version()) + ")");
    for (int v = current + 1; v <= latest_schema_version(); ++v) {
        c.exec(k_migrations[static_cast<std::size_t>(v - 1)]);
        c.prepare("DELETE FROM schema_version").run();
        c.prepare("INSERT INTO schema_version (version) VALUES (?)").bind(1, std::int64_t{v}).run();
    }
    tx.commit();
}

}  // namespace pat::patd::sqlite
