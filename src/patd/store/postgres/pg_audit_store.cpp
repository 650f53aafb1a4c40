#include "patd/store/postgres/pg_audit_store.hpp"

namespace pat::patd::pg {
namespace {

// $1 account (NULL: all), $2 token uuid (NULL: all), $3 since, $4 until.
#define PATD_PG_AUDIT_WHERE                                                              \
    " WHERE ($1::bigint IS NULL OR e.account_id = $1::bigint) AND ($2::text IS NULL OR " \
    "e.token_uuid = $2::text) AND ($3::bigint IS NULL OR e.at >= $3::bigint) AND "       \
    "($4::bigint IS NULL OR e.at < $4::bigint)"

std::optional<std::int64_t> micros_or_null(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return std::int64_t{to_micros(*t)};
}

std::vector<Param> filter_params(const AuditFilter& f) {
    Param token;
    if (f.token_uuid) token = param(std::string_view(*f.token_uuid));
    return {param(f.account_id), token, param(micros_or_null(f.since)),
            param(micros_or_null(f.until))};
}

}  // namespace

void insert_audit_row(Connection& c, const AuditEventRecord& e) {
    c.exec(
        "INSERT INTO audit_events (at, account_id, kind, actor, token_uuid, client_ip, "
        "user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {param(to_micros(e.at)),
         param(e.account_id == 0 ? std::nullopt : std::optional(e.account_id)), param(e.kind),
         param(e.actor), param(e.token_uuid), param(e.client_ip), param(e.user_agent),
         param(e.detail)});
}

SResult<void> PgAuditStore::insert(const AuditEventRecord& e) {
    auto done = with_connection<bool>(m_pool, [&](Connection& c) {
        insert_audit_row(c, e);
        return true;
    });
    if (!done) return fail(std::move(done).error());
    return {};
}

SResult<AuditListing> PgAuditStore::list(const AuditFilter& f, long long offset, long long limit) {
    return with_connection<AuditListing>(m_pool, [&](Connection& c) {
        // One snapshot for the count and the page.
        Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        AuditListing out;
        const auto params = filter_params(f);
        out.count =
            c.exec("SELECT COUNT(*) FROM audit_events e" PATD_PG_AUDIT_WHERE, params).int_at(0, 0);
        auto page = params;
        page.push_back(param(limit));
        page.push_back(param(offset));
        const Rows r = c.exec(
            "SELECT e.id, e.at, e.account_id, COALESCE(a.username, ''), e.kind, e.actor, "
            "e.token_uuid, e.client_ip, e.user_agent, e.detail FROM audit_events e "
            "LEFT JOIN accounts a ON a.id = e.account_id" PATD_PG_AUDIT_WHERE
            " ORDER BY e.at DESC, e.id DESC LIMIT $5 OFFSET $6",
            page);
        for (int i = 0; i < r.size(); ++i) {
            AuditEventRecord e;
            e.id = r.int_at(i, 0);
            e.at = from_micros(r.int_at(i, 1));
            e.account_id = r.optional_int_at(i, 2).value_or(0);
            e.username = r.text_at(i, 3);
            e.kind = r.text_at(i, 4);
            e.actor = r.text_at(i, 5);
            e.token_uuid = r.text_at(i, 6);
            e.client_ip = r.text_at(i, 7);
            e.user_agent = r.text_at(i, 8);
            e.detail = r.text_at(i, 9);
            out.rows.push_back(std::move(e));
        }
        tx.commit();
        return out;
    });
}

SResult<std::vector<TokenAddressUse>> PgAuditStore::recent_addresses(std::string_view token_uuid,
                                                                     long long limit) {
    return with_connection<std::vector<TokenAddressUse>>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(
            "SELECT client_ip, MAX(at) AS last FROM audit_events WHERE token_uuid = $1 AND "
            "kind = 'token.used' GROUP BY client_ip ORDER BY last DESC LIMIT $2",
            {param(token_uuid), param(limit)});
        std::vector<TokenAddressUse> out;
        out.reserve(static_cast<std::size_t>(r.size()));
        for (int i = 0; i < r.size(); ++i)
            out.push_back({r.text_at(i, 0), from_micros(r.int_at(i, 1))});
        return out;
    });
}

SResult<long long> PgAuditStore::record_expirations(Timestamp now) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        return c
            .exec(
                "INSERT INTO audit_events (at, account_id, kind, actor, token_uuid, client_ip, "
                "user_agent, detail) SELECT t.expires_at, t.account_id, 'token.expired', 'patd', "
                "t.uuid, '', '', json_build_object('token_label', t.label, 'generated_by', "
                "t.generated_by)::text FROM tokens t WHERE t.expires_at IS NOT NULL AND "
                "t.expires_at <= $1 AND NOT EXISTS (SELECT 1 FROM audit_events x WHERE "
                "x.token_uuid = t.uuid AND x.kind = 'token.expired')",
                {param(to_micros(now))})
            .affected();
    });
}

SResult<long long> PgAuditStore::prune(Timestamp before) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        return c.exec("DELETE FROM audit_events WHERE at < $1", {param(to_micros(before))})
            .affected();
    });
}

}  // namespace pat::patd::pg
