#include "patd/store/sqlite/sqlite_rows.hpp"

#include <stdexcept>

namespace pat::patd::sqlite {

namespace {
std::optional<Timestamp> optional_time(const Statement& s, int column) {
    const auto v = s.optional_int_at(column);
    if (!v) return std::nullopt;
    return from_micros(*v);
}
std::optional<std::int64_t> optional_micros(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return to_micros(*t);
}
}  // namespace

AccountRecord account_from(const Statement& s, int first) {
    AccountRecord a;
    a.id = s.int_at(first + 0);
    a.username = s.text_at(first + 1);
    a.password_hash = s.text_at(first + 2);
    a.created_at = from_micros(s.int_at(first + 3));
    a.totp_enabled = s.int_at(first + 4) != 0;
    a.totp_secret_sealed = s.blob_at(first + 5);
    a.totp_last_step = s.int_at(first + 6);
    return a;
}

TokenRecord token_from(const Statement& s, int first) {
    TokenRecord t;
    t.id = s.int_at(first + 0);
    t.uuid = s.text_at(first + 1);
    t.account_id = s.int_at(first + 2);
    t.digest = s.blob_at(first + 3);
    t.label = s.text_at(first + 4);
    const auto scope = parse_token_scope(s.text_at(first + 5));
    // Only this code writes the column; anything else is a corrupt database.
    if (!scope) throw std::runtime_error("corrupt token row: unknown scope");
    t.scope = *scope;
    t.is_active = s.int_at(first + 6) != 0;
    t.generated_by = parse_generated_by(s.text_at(first + 7));
    t.client_id = s.text_at(first + 8);
    t.creator_ip = s.text_at(first + 9);
    t.creator_ua = s.text_at(first + 10);
    t.created_at = from_micros(s.int_at(first + 11));
    t.expires_at = optional_time(s, first + 12);
    t.last_used = optional_time(s, first + 13);
    return t;
}

std::optional<TokenRecord> find_token(Connection& c, std::int64_t account_id,
                                      std::string_view uuid) {
    auto s = c.prepare(PATD_SELECT_TOKEN " WHERE account_id = ? AND uuid = ?");
    s.bind(1, account_id).bind(2, uuid);
    if (!s.step()) return std::nullopt;
    return token_from(s);
}

TokenRecord insert_token(Connection& c, const TokenRecord& t) {
    c.prepare(
         "INSERT INTO tokens (uuid, account_id, digest, label, scope, is_active, generated_by, "
         "client_id, creator_ip, creator_ua, created_at, expires_at, last_used) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, t.uuid)
        .bind(2, t.account_id)
        .bind_blob(3, t.digest)
        .bind(4, t.label)
        .bind(5, to_string(t.scope))
        .bind(6, std::int64_t{t.is_active})
        .bind(7, to_string(t.generated_by))
        .bind(8, t.client_id)
        .bind(9, t.creator_ip)
        .bind(10, t.creator_ua)
        .bind(11, std::int64_t{to_micros(t.created_at)})
        .bind(12, optional_micros(t.expires_at))
        .bind(13, optional_micros(t.last_used))
        .run();
    TokenRecord out = t;
    out.id = c.last_insert_rowid();
    return out;
}

void evict_auto_tokens(Connection& c, std::int64_t account_id, int keep) {
    c.prepare(
         "DELETE FROM tokens WHERE id IN (SELECT id FROM tokens WHERE account_id = ? AND "
         "generated_by = 'auto' ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?)")
        .bind(1, account_id)
        .bind(2, std::int64_t{keep})
        .run();
}

TokenListing list_tokens(Connection& c, std::int64_t account_id, bool oidc, long long offset,
                         long long limit) {
    Transaction tx(c, false);  // counts and rows from one snapshot
    TokenListing out;
    const std::int64_t kind = oidc ? 1 : 0;
    {
        auto s = c.prepare(
            "SELECT COUNT(*), COALESCE(SUM(is_active), 0) FROM tokens WHERE account_id = ?1 AND "
            "(generated_by = 'oidc') = ?2");
        s.bind(1, account_id).bind(2, kind);
        if (s.step()) {
            out.count = s.int_at(0);
            out.active_count = s.int_at(1);
        }
    }
    auto s = c.prepare(PATD_SELECT_TOKEN
                       " WHERE account_id = ?1 AND (generated_by = 'oidc') = ?2 "
                       "ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4");
    s.bind(1, account_id).bind(2, kind).bind(3, std::int64_t{limit}).bind(4, std::int64_t{offset});
    while (s.step()) out.rows.push_back(token_from(s));
    tx.commit();
    return out;
}

}  // namespace pat::patd::sqlite
