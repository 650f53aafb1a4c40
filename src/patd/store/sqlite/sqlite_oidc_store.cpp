#include "patd/store/sqlite/sqlite_oidc_store.hpp"

#include <nlohmann/json.hpp>

#include "patd/store/oidc_rows.hpp"
#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_audit_store.hpp"
#include "patd/store/sqlite/sqlite_rows.hpp"

namespace pat::patd::sqlite {
namespace {

#define PATD_SELECT_ISSUER "SELECT id, uuid, url, audience, created_at FROM oidc_issuers"
#define PATD_SELECT_POLICY                                                                     \
    "SELECT p.id, p.uuid, p.account_id, p.issuer_id, a.username, i.url, p.claims, p.scope, "   \
    "p.ttl_seconds, p.created_at FROM oidc_policies p JOIN accounts a ON a.id = p.account_id " \
    "JOIN oidc_issuers i ON i.id = p.issuer_id"

OidcIssuerRecord issuer_from(const Statement& s) {
    OidcIssuerRecord r;
    r.id = s.int_at(0);
    r.uuid = s.text_at(1);
    r.url = s.text_at(2);
    r.audience = s.text_at(3);
    r.created_at = from_micros(s.int_at(4));
    return r;
}

OidcPolicyRecord policy_from(const Statement& s) {
    OidcPolicyRecord p;
    p.id = s.int_at(0);
    p.uuid = s.text_at(1);
    p.account_id = s.int_at(2);
    p.issuer_id = s.int_at(3);
    p.username = s.text_at(4);
    p.issuer_url = s.text_at(5);
    p.claims = claims_from_json(s.text_at(6));
    p.scope = scope_from_column(s.text_at(7));
    p.ttl = std::chrono::seconds(s.int_at(8));
    p.created_at = from_micros(s.int_at(9));
    return p;
}

}  // namespace

SResult<OidcIssuerRecord> SqliteOidcStore::insert_issuer(const OidcIssuerRecord& issuer) {
    return with_connection<OidcIssuerRecord>(m_pool, [&](Connection& c) {
        c.prepare("INSERT INTO oidc_issuers (uuid, url, audience, created_at) VALUES (?, ?, ?, ?)")
            .bind(1, issuer.uuid)
            .bind(2, issuer.url)
            .bind(3, issuer.audience)
            .bind(4, std::int64_t{to_micros(issuer.created_at)})
            .run();
        OidcIssuerRecord out = issuer;
        out.id = c.last_insert_rowid();
        return out;
    });
}

SResult<std::vector<OidcIssuerRecord>> SqliteOidcStore::list_issuers() {
    return with_connection<std::vector<OidcIssuerRecord>>(m_pool, [&](Connection& c) {
        auto s = c.prepare(PATD_SELECT_ISSUER " ORDER BY url");
        std::vector<OidcIssuerRecord> out;
        while (s.step()) out.push_back(issuer_from(s));
        return out;
    });
}

SResult<std::optional<OidcIssuerRecord>> SqliteOidcStore::find_issuer(std::string_view url) {
    return with_connection<std::optional<OidcIssuerRecord>>(m_pool, [&](Connection& c) {
        auto s = c.prepare(PATD_SELECT_ISSUER " WHERE url = ?");
        s.bind(1, url);
        return s.step() ? std::optional(issuer_from(s)) : std::nullopt;
    });
}

SResult<bool> SqliteOidcStore::delete_issuer(std::int64_t id) {
    auto r = with_connection<std::optional<bool>>(m_pool, [&](Connection& c) {
        Transaction tx(c, true);
        auto used = c.prepare("SELECT COUNT(*) FROM oidc_policies WHERE issuer_id = ?");
        used.bind(1, id);
        if (used.step() && used.int_at(0) > 0) return std::optional<bool>();
        c.prepare("DELETE FROM oidc_issuers WHERE id = ?").bind(1, id).run();
        const bool deleted = c.changes() == 1;
        tx.commit();
        return std::optional(deleted);
    });
    if (!r) return fail(std::move(r).error());
    if (!r->has_value()) return fail(conflict(k_issuer_in_use));
    return **r;
}

SResult<OidcPolicyRecord> SqliteOidcStore::insert_policy(const OidcPolicyRecord& p) {
    return with_connection<OidcPolicyRecord>(m_pool, [&](Connection& c) {
        c.prepare(
             "INSERT INTO oidc_policies (uuid, account_id, issuer_id, claims, scope, ttl_seconds, "
             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(1, p.uuid)
            .bind(2, p.account_id)
            .bind(3, p.issuer_id)
            .bind(4, claims_to_json(p.claims))
            .bind(5, to_string(p.scope))
            .bind(6, std::int64_t{p.ttl.count()})
            .bind(7, std::int64_t{to_micros(p.created_at)})
            .run();
        OidcPolicyRecord out = p;
        out.id = c.last_insert_rowid();
        return out;
    });
}

SResult<std::vector<OidcPolicyRecord>> SqliteOidcStore::list_policies(const OidcPolicyFilter& f) {
    return with_connection<std::vector<OidcPolicyRecord>>(m_pool, [&](Connection& c) {
        auto s = c.prepare(PATD_SELECT_POLICY
                           " WHERE (?1 IS NULL OR p.account_id = ?1) AND (?2 IS NULL OR "
                           "p.issuer_id = ?2) ORDER BY p.created_at, p.id");
        s.bind(1, f.account_id).bind(2, f.issuer_id);
        std::vector<OidcPolicyRecord> out;
        while (s.step()) out.push_back(policy_from(s));
        return out;
    });
}

SResult<bool> SqliteOidcStore::delete_policy(std::optional<std::int64_t> account_id,
                                             std::string_view uuid) {
    return with_connection<bool>(m_pool, [&](Connection& c) {
        c.prepare("DELETE FROM oidc_policies WHERE uuid = ?1 AND (?2 IS NULL OR account_id = ?2)")
            .bind(1, uuid)
            .bind(2, account_id)
            .run();
        return c.changes() == 1;
    });
}

SResult<std::optional<TokenRecord>> SqliteOidcStore::issue_token(
    std::int64_t issuer_id, std::string_view jti, Timestamp jti_expires_at, Timestamp now,
    const TokenRecord& token, const AuditEventRecord& event) {
    return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
        Transaction tx(c, true);
        // An entry that expired may be reused: the token it guarded cannot
        // pass the exp check any more.
        c.prepare(
             "INSERT INTO oidc_jti (issuer_id, jti, expires_at) VALUES (?1, ?2, ?3) "
             "ON CONFLICT (issuer_id, jti) DO UPDATE SET expires_at = excluded.expires_at "
             "WHERE oidc_jti.expires_at <= ?4")
            .bind(1, issuer_id)
            .bind(2, jti)
            .bind(3, std::int64_t{to_micros(jti_expires_at)})
            .bind(4, std::int64_t{to_micros(now)})
            .run();
        if (c.changes() != 1) return std::optional<TokenRecord>();
        auto stored = insert_token(c, token);
        insert_audit_row(c, event);
        tx.commit();
        return std::optional(std::move(stored));
    });
}

SResult<TokenListing> SqliteOidcStore::list_tokens(std::int64_t account_id, long long offset,
                                                   long long limit) {
    return with_connection<TokenListing>(m_pool, [&](Connection& c) {
        return sqlite::list_tokens(c, account_id, /*oidc=*/true, offset, limit);
    });
}

SResult<long long> SqliteOidcStore::delete_expired(Timestamp now) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        Transaction tx(c, true);
        const std::int64_t t = to_micros(now);
        c.prepare("DELETE FROM tokens WHERE generated_by = 'oidc' AND expires_at <= ?")
            .bind(1, t)
            .run();
        const long long deleted = c.changes();
        c.prepare("DELETE FROM oidc_jti WHERE expires_at <= ?").bind(1, t).run();
        tx.commit();
        return deleted;
    });
}

}  // namespace pat::patd::sqlite
