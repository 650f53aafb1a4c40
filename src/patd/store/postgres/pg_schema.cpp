#include "patd/store/postgres/pg_schema.hpp"

#include <array>
#include <string>

namespace pat::patd::pg {

namespace {
// Append only: never edit a migration that has shipped.
constexpr std::array<const char*, 4> k_migrations = {
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
    // 2: keyless CI (docs/oidc.md), as in the SQLite store.
    R"sql(
CREATE TABLE oidc_issuers (
  id         BIGSERIAL PRIMARY KEY,
  uuid       TEXT   NOT NULL UNIQUE,
  url        TEXT   NOT NULL UNIQUE,
  audience   TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE oidc_policies (
  id          BIGSERIAL PRIMARY KEY,
  uuid        TEXT   NOT NULL UNIQUE,
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  issuer_id   BIGINT NOT NULL REFERENCES oidc_issuers(id),
  claims      TEXT   NOT NULL,
  scope       TEXT   NOT NULL,
  ttl_seconds BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX oidc_policies_by_issuer ON oidc_policies(issuer_id);
CREATE INDEX oidc_policies_by_account ON oidc_policies(account_id);
CREATE TABLE oidc_jti (
  issuer_id  BIGINT NOT NULL REFERENCES oidc_issuers(id) ON DELETE CASCADE,
  jti        TEXT   NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (issuer_id, jti)
);
CREATE INDEX oidc_jti_by_expiry ON oidc_jti(expires_at);
CREATE INDEX tokens_by_kind_expiry ON tokens(generated_by, expires_at);
)sql",
    // 3: the web console (see the SQLite migration 3).
    R"sql(
CREATE TABLE web_sessions (
  digest     BYTEA   PRIMARY KEY,
  account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at BIGINT  NOT NULL,
  last_seen  BIGINT  NOT NULL,
  client_ip  TEXT    NOT NULL,
  user_agent TEXT    NOT NULL
);
CREATE INDEX web_sessions_by_account ON web_sessions(account_id);
CREATE TABLE totp_pending (
  account_id BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  sealed     BYTEA   NOT NULL
);
CREATE TABLE recovery_codes (
  account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  digest     BYTEA   NOT NULL,
  PRIMARY KEY (account_id, digest)
);
CREATE TABLE device_auths (
  digest         BYTEA   PRIMARY KEY,
  user_code      TEXT    NOT NULL UNIQUE,
  client_id      TEXT    NOT NULL,
  host_name      TEXT    NOT NULL,
  helper_version TEXT    NOT NULL,
  client_ip      TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL,
  expires_at     BIGINT  NOT NULL,
  interval_s     BIGINT  NOT NULL,
  last_poll      BIGINT,
  status         TEXT    NOT NULL,
  account_id     BIGINT  NOT NULL DEFAULT 0
);
)sql",
    // 4: the audit log (docs/patd-api.md, "Audit log"). No foreign keys:
    // events outlive the tokens and accounts they name. Never a secret.
    R"sql(
CREATE TABLE audit_events (
  id         BIGSERIAL PRIMARY KEY,
  at         BIGINT NOT NULL,
  account_id BIGINT,
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
    t.generated_by = parse_generated_by(r.text_at(row, first + 7));
    t.client_id = r.text_at(row, first + 8);
    t.creator_ip = r.text_at(row, first + 9);
    t.creator_ua = r.text_at(row, first + 10);
    t.created_at = from_micros(r.int_at(row, first + 11));
    if (const auto e = r.optional_int_at(row, first + 12)) t.expires_at = from_micros(*e);
    if (const auto l = r.optional_int_at(row, first + 13)) t.last_used = from_micros(*l);
    return t;
}

TokenRecord insert_token_row(Connection& c, const TokenRecord& t) {
    const auto micros = [](const std::optional<Timestamp>& v) -> std::optional<std::int64_t> {
        if (!v) return std::nullopt;
        return to_micros(*v);
    };
    const Rows r = c.exec(
        "INSERT INTO tokens (uuid, account_id, digest, label, scope, is_active, generated_by, "
        "client_id, creator_ip, creator_ua, created_at, expires_at, last_used) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        {param(t.uuid), param(t.account_id), bytes(t.digest), param(t.label),
         param(to_string(t.scope)), param(t.is_active), param(to_string(t.generated_by)),
         param(t.client_id), param(t.creator_ip), param(t.creator_ua),
         param(to_micros(t.created_at)), param(micros(t.expires_at)), param(micros(t.last_used))});
    TokenRecord out = t;
    out.id = r.int_at(0, 0);
    return out;
}

TokenListing list_tokens(Connection& c, std::int64_t account_id, bool oidc, long long offset,
                         long long limit) {
    Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    TokenListing out;
    const Rows n = c.exec(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE is_active) FROM tokens WHERE account_id = $1 "
        "AND (generated_by = 'oidc') = $2",
        {param(account_id), param(oidc)});
    out.count = n.int_at(0, 0);
    out.active_count = n.int_at(0, 1);
    const Rows r = c.exec(
        "SELECT " PATD_PG_TOKEN_COLUMNS
        " FROM tokens t WHERE t.account_id = $1 AND (t.generated_by = 'oidc') = $2 "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT $3 OFFSET $4",
        {param(account_id), param(oidc), param(std::int64_t{limit}), param(std::int64_t{offset})});
    for (int i = 0; i < r.size(); ++i) out.rows.push_back(token_from(r, i));
    tx.commit();
    return out;
}

}  // namespace pat::patd::pg
