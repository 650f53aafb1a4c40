#include "patd/store/sqlite/sqlite_audit_store.hpp"

#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {
namespace {

// ?1 account (NULL: all), ?2 token uuid (NULL: all), ?3 since, ?4 until.
#define PATD_AUDIT_WHERE                                                             \
    " WHERE (?1 IS NULL OR e.account_id = ?1) AND (?2 IS NULL OR e.token_uuid = ?2)" \
    " AND (?3 IS NULL OR e.at >= ?3) AND (?4 IS NULL OR e.at < ?4)"

std::optional<std::int64_t> micros_or_null(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return std::int64_t{to_micros(*t)};
}

std::optional<std::int64_t> account_or_null(std::int64_t id) {
    return id == 0 ? std::nullopt : std::optional(id);
}

void bind_filter(Statement& s, const AuditFilter& f) {
    s.bind(1, f.account_id);
    if (f.token_uuid)
        s.bind(2, std::string_view(*f.token_uuid));
    else
        s.bind(2, std::optional<std::int64_t>());
    s.bind(3, micros_or_null(f.since)).bind(4, micros_or_null(f.until));
}

}  // namespace

void insert_audit_row(Connection& c, const AuditEventRecord& e) {
    c.prepare(
         "INSERT INTO audit_events (at, account_id, kind, actor, token_uuid, client_ip, "
         "user_agent, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, std::int64_t{to_micros(e.at)})
        .bind(2, account_or_null(e.account_id))
        .bind(3, e.kind)
        .bind(4, e.actor)
        .bind(5, e.token_uuid)
        .bind(6, e.client_ip)
        .bind(7, e.user_agent)
        .bind(8, e.detail)
        .run();
}

SResult<void> SqliteAuditStore::insert(const AuditEventRecord& e) {
    auto done = with_connection<bool>(m_pool, [&](Connection& c) {
        insert_audit_row(c, e);
        return true;
    });
    if (!done) return fail(std::move(done).error());
    return {};
}

SResult<AuditListing> SqliteAuditStore::list(const AuditFilter& f, long long offset,
                                             long long limit) {
    return with_connection<AuditListing>(m_pool, [&](Connection& c) {
        Transaction tx(c, false);
        AuditListing out;
        auto n = c.prepare("SELECT COUNT(*) FROM audit_events e" PATD_AUDIT_WHERE);
        bind_filter(n, f);
        if (n.step()) out.count = n.int_at(0);
        auto s = c.prepare(
            "SELECT e.id, e.at, e.account_id, COALESCE(a.username, ''), e.kind, e.actor, "
            "e.token_uuid, e.client_ip, e.user_agent, e.detail FROM audit_events e "
            "LEFT JOIN accounts a ON a.id = e.account_id" PATD_AUDIT_WHERE
            " ORDER BY e.at DESC, e.id DESC LIMIT ?5 OFFSET ?6");
        bind_filter(s, f);
        s.bind(5, std::int64_t{limit}).bind(6, std::int64_t{offset});
        while (s.step()) {
            AuditEventRecord r;
            r.id = s.int_at(0);
            r.at = from_micros(s.int_at(1));
            r.account_id = s.optional_int_at(2).value_or(0);
            r.username = s.text_at(3);
            r.kind = s.text_at(4);
            r.actor = s.text_at(5);
            r.token_uuid = s.text_at(6);
            r.client_ip = s.text_at(7);
            r.user_agent = s.text_at(8);
            r.detail = s.text_at(9);
            out.rows.push_back(std::move(r));
        }
        tx.commit();
        return out;
    });
}

SResult<std::vector<TokenAddressUse>> SqliteAuditStore::recent_addresses(
    std::string_view token_uuid, long long limit) {
    return with_connection<std::vector<TokenAddressUse>>(m_pool, [&](Connection& c) {
        auto s = c.prepare(
            "SELECT client_ip, MAX(at) AS last FROM audit_events WHERE token_uuid = ? AND "
            "kind = 'token.used' GROUP BY client_ip ORDER BY last DESC LIMIT ?");
        s.bind(1, token_uuid).bind(2, std::int64_t{limit});
        std::vector<TokenAddressUse> out;
        while (s.step()) out.push_back({s.text_at(0), from_micros(s.int_at(1))});
        return out;
    });
}

SResult<long long> SqliteAuditStore::record_expirations(Timestamp now) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        c.prepare(
             "INSERT INTO audit_events (at, account_id, kind, actor, token_uuid, client_ip, "
             "user_agent, detail) SELECT t.expires_at, t.account_id, 'token.expired', 'patd', "
             "t.uuid, '', '', json_object('token_label', t.label, 'generated_by', "
             "t.generated_by) FROM tokens t WHERE t.expires_at IS NOT NULL AND t.expires_at <= ? "
             "AND NOT EXISTS (SELECT 1 FROM audit_events x WHERE x.token_uuid = t.uuid AND "
             "x.kind = 'token.expired')")
            .bind(1, std::int64_t{to_micros(now)})
            .run();
        return static_cast<long long>(c.changes());
    });
}

SResult<long long> SqliteAuditStore::prune(Timestamp before) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        c.prepare("DELETE FROM audit_events WHERE at < ?")
            .bind(1, std::int64_t{to_micros(before)})
            .run();
        return static_cast<long long>(c.changes());
    });
}

}  // namespace pat::patd::sqlite
