#include "patd/store/sqlite/migrations.hpp"

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pat::patd::sqlite {

namespace {
// Append only: never edit a migration that has shipped.
constexpr std::array<const char*, 4> k_migrations = {
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
    // 2: keyless CI (docs/oidc.md): trusted issuers, trust policies, the jti
    // replay cache; oidc tokens are swept by expiry.
    R"sql(
CREATE TABLE oidc_issuers (
  id         INTEGER PRIMARY KEY,
  uuid       TEXT    NOT NULL UNIQUE,
  url        TEXT    NOT NULL UNIQUE,
  audience   TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE oidc_policies (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT    NOT NULL UNIQUE,
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  issuer_id   INTEGER NOT NULL REFERENCES oidc_issuers(id),
  claims      TEXT    NOT NULL,
  scope       TEXT    NOT NULL,
  ttl_seconds INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX oidc_policies_by_issuer ON oidc_policies(issuer_id);
CREATE INDEX oidc_policies_by_account ON oidc_policies(account_id);
CREATE TABLE oidc_jti (
  issuer_id  INTEGER NOT NULL REFERENCES oidc_issuers(id) ON DELETE CASCADE,
  jti        TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (issuer_id, jti)
);
CREATE INDEX oidc_jti_by_expiry ON oidc_jti(expires_at);
CREATE INDEX tokens_by_kind_expiry ON tokens(generated_by, expires_at);
)sql",
    // 3: the web console: browser sessions, 2FA setup and recovery codes,
    // device authorizations (RFC 8628).
    R"sql(
CREATE TABLE web_sessions (
  digest     BLOB    PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  client_ip  TEXT    NOT NULL,
  user_agent TEXT    NOT NULL
);
CREATE INDEX web_sessions_by_account ON web_sessions(account_id);
CREATE TABLE totp_pending (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  sealed     BLOB    NOT NULL
);
CREATE TABLE recovery_codes (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  digest     BLOB    NOT NULL,
  PRIMARY KEY (account_id, digest)
);
CREATE TABLE device_auths (
  digest         BLOB    PRIMARY KEY,
  user_code      TEXT    NOT NULL UNIQUE,
  client_id      TEXT    NOT NULL,
  host_name      TEXT    NOT NULL,
  helper_version TEXT    NOT NULL,
  client_ip      TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  interval_s     INTEGER NOT NULL,
  last_poll      INTEGER,
  status         TEXT    NOT NULL,
  account_id     INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 4: the audit log (docs/patd-api.md, "Audit log"). No foreign keys:
    // events outlive the tokens and accounts they name. Never a secret.
    R"sql(
CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  account_id INTEGER,
  kind       TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  token_uuid TEXT    NOT NULL,
  client_ip  TEXT    NOT NULL,
  user_agent TEXT    NOT NULL,
  detail     TEXT    NOT NULL
);
CREATE INDEX audit_events_by_account ON audit_events(account_id, at DESC, id DESC);
CREATE INDEX audit_events_by_token ON audit_events(token_uuid, kind, at DESC);
CREATE INDEX audit_events_by_time ON audit_events(at);
)sql",
};

void ensure_version_table(Connection& c) {
    c.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
}

bool has_table(Connection& c, std::string_view name) {
    auto stmt = c.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    stmt.bind(1, name);
    return stmt.step();
}

[[noreturn]] void refuse_corrupt(const std::string& why) {
    throw std::runtime_error("the database is corrupt (" + why +
                             "); patd changed nothing: restore it from a backup");
}

// "ok", or the first problem SQLite's own consistency check finds. Runs
// before anything writes, so a damaged file is reported as damaged instead
// of as whatever the first statement happens to trip over.
void check_integrity(Connection& c) {
    std::string verdict;
    try {
        auto stmt = c.prepare("PRAGMA quick_check(1)");
        verdict = stmt.step() ? stmt.text_at(0) : "no answer";
    } catch (const SqliteError& e) {
        refuse_corrupt(std::string("PRAGMA quick_check: ") + e.what());
    }
    if (verdict != "ok") refuse_corrupt("PRAGMA quick_check: " + verdict);
}

// The version recorded in schema_version: 0 for a database without patd's
// tables; nullopt when the tables exist but the version cannot be read (no
// row, several, not a positive integer): running migration 1 over such a
// database would fail on "table accounts already exists" at best.
std::optional<int> recorded_version(Connection& c) {
    std::optional<int> version;
    int rows = 0;
    if (has_table(c, "schema_version")) {
        auto stmt = c.prepare("SELECT version, typeof(version) FROM schema_version");
        while (stmt.step()) {
            ++rows;
            const auto v = stmt.int_at(0);
            if (stmt.text_at(1) == "integer" && v >= 1 && v <= 1'000'000)
                version = static_cast<int>(v);
        }
    }
    if (rows == 1 && version) return version;
    if (rows == 0 && !has_table(c, "accounts") && !has_table(c, "tokens")) return 0;
    return std::nullopt;
}
}  // namespace

int latest_schema_version() {
    return static_cast<int>(k_migrations.size());
}

int schema_version(Connection& c) {
    return recorded_version(c).value_or(0);
}

void migrate(Connection& c) {
    check_integrity(c);
    Transaction tx(c, true);
    const auto current = recorded_version(c);
    if (!current)
        refuse_corrupt("it has patd's tables but no readable schema version in schema_version");
    if (*current > latest_schema_version())
        throw std::runtime_error("the database schema (version " + std::to_string(*current) +
                                 ") is newer than this patd understands (version " +
                                 std::to_string(latest_schema_version()) + ")");
    ensure_version_table(c);
    for (int v = *current + 1; v <= latest_schema_version(); ++v) {
        c.exec(k_migrations[static_cast<std::size_t>(v - 1)]);
        c.prepare("DELETE FROM schema_version").run();
        c.prepare("INSERT INTO schema_version (version) VALUES (?)").bind(1, std::int64_t{v}).run();
    }
    tx.commit();
}

}  // namespace pat::patd::sqlite
