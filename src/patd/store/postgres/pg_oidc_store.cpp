#include "patd/store/postgres/pg_oidc_store.hpp"

#include "patd/store/oidc_rows.hpp"
#include "patd/store/postgres/pg_audit_store.hpp"
#include "patd/store/postgres/pg_schema.hpp"
#include "patd/store/repository.hpp"

namespace pat::patd::pg {
namespace {

#define PATD_PG_SELECT_ISSUER "SELECT id, uuid, url, audience, created_at FROM oidc_issuers"
#define PATD_PG_SELECT_POLICY                                                                  \
    "SELECT p.id, p.uuid, p.account_id, p.issuer_id, a.username, i.url, p.claims, p.scope, "   \
    "p.ttl_seconds, p.created_at FROM oidc_policies p JOIN accounts a ON a.id = p.account_id " \
    "JOIN oidc_issuers i ON i.id = p.issuer_id"

OidcIssuerRecord issuer_from(const Rows& r, int row) {
    OidcIssuerRecord out;
    out.id = r.int_at(row, 0);
    out.uuid = r.text_at(row, 1);
    out.url = r.text_at(row, 2);
    out.audience = r.text_at(row, 3);
    out.created_at = from_micros(r.int_at(row, 4));
    return out;
}

OidcPolicyRecord policy_from(const Rows& r, int row) {
    OidcPolicyRecord p;
    p.id = r.int_at(row, 0);
    p.uuid = r.text_at(row, 1);
    p.account_id = r.int_at(row, 2);
    p.issuer_id = r.int_at(row, 3);
    p.username = r.text_at(row, 4);
    p.issuer_url = r.text_at(row, 5);
    p.claims = claims_from_json(r.text_at(row, 6));
    p.scope = scope_from_column(r.text_at(row, 7));
    p.ttl = std::chrono::seconds(r.int_at(row, 8));
    p.created_at = from_micros(r.int_at(row, 9));
    return p;
}

}  // namespace

SResult<OidcIssuerRecord> PgOidcStore::insert_issuer(const OidcIssuerRecord& issuer) {
    return with_connection<OidcIssuerRecord>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(
            "INSERT INTO oidc_issuers (uuid, url, audience, created_at) VALUES ($1, $2, $3, $4) "
            "RETURNING id",
            {param(issuer.uuid), param(issuer.url), param(issuer.audience),
             param(to_micros(issuer.created_at))});
        OidcIssuerRecord out = issuer;
        out.id = r.int_at(0, 0);
        return out;
    });
}

SResult<std::vector<OidcIssuerRecord>> PgOidcStore::list_issuers() {
    return with_connection<std::vector<OidcIssuerRecord>>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(PATD_PG_SELECT_ISSUER " ORDER BY url");
        std::vector<OidcIssuerRecord> out;
        out.reserve(static_cast<std::size_t>(r.size()));
        for (int i = 0; i < r.size(); ++i) out.push_back(issuer_from(r, i));
        return out;
    });
}

SResult<std::optional<OidcIssuerRecord>> PgOidcStore::find_issuer(std::string_view url) {
    return with_connection<std::optional<OidcIssuerRecord>>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(PATD_PG_SELECT_ISSUER " WHERE url = $1", {param(url)});
        return r.size() ? std::optional(issuer_from(r, 0)) : std::nullopt;
    });
}

SResult<bool> PgOidcStore::delete_issuer(std::int64_t id) {
    auto r = with_connection<std::optional<bool>>(m_pool, [&](Connection& c) {
        Transaction tx(c);
        // Locks the issuer row, so a policy cannot be added for it meanwhile.
        c.exec("SELECT id FROM oidc_issuers WHERE id = $1 FOR UPDATE", {param(id)});
        const Rows used =
            c.exec("SELECT COUNT(*) FROM oidc_policies WHERE issuer_id = $1", {param(id)});
        if (used.int_at(0, 0) > 0) return std::optional<bool>();
        const bool deleted =
            c.exec("DELETE FROM oidc_issuers WHERE id = $1", {param(id)}).affected() == 1;
        tx.commit();
        return std::optional(deleted);
    });
    if (!r) return fail(std::move(r).error());
    if (!r->has_value()) return fail(conflict(k_issuer_in_use));
    return **r;
}

SResult<OidcPolicyRecord> PgOidcStore::insert_policy(const OidcPolicyRecord& p) {
    return with_connection<OidcPolicyRecord>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(
            "INSERT INTO oidc_policies (uuid, account_id, issuer_id, claims, scope, ttl_seconds, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {param(p.uuid), param(p.account_id), param(p.issuer_id),
             param(claims_to_json(p.claims)), param(to_string(p.scope)),
             param(static_cast<long long>(p.ttl.count())), param(to_micros(p.created_at))});
        OidcPolicyRecord out = p;
        out.id = r.int_at(0, 0);
        return out;
    });
}

SResult<std::vector<OidcPolicyRecord>> PgOidcStore::list_policies(const OidcPolicyFilter& f) {
    return with_connection<std::vector<OidcPolicyRecord>>(m_pool, [&](Connection& c) {
        const Rows r = c.exec(PATD_PG_SELECT_POLICY
                              " WHERE ($1::bigint IS NULL OR p.account_id = $1::bigint) AND "
                              "($2::bigint IS NULL OR p.issuer_id = $2::bigint) "
                              "ORDER BY p.created_at, p.id",
                              {param(f.account_id), param(f.issuer_id)});
        std::vector<OidcPolicyRecord> out;
        out.reserve(static_cast<std::size_t>(r.size()));
        for (int i = 0; i < r.size(); ++i) out.push_back(policy_from(r, i));
        return out;
    });
}

SResult<bool> PgOidcStore::delete_policy(std::optional<std::int64_t> account_id,
                                         std::string_view uuid) {
    return with_connection<bool>(m_pool, [&](Connection& c) {
        return c.exec(
                    "DELETE FROM oidc_policies WHERE uuid = $1 AND ($2::bigint IS NULL OR "
                    "account_id = $2::bigint)",
                    {param(uuid), param(account_id)})
                   .affected() == 1;
    });
}

SResult<std::optional<TokenRecord>> PgOidcStore::issue_token(
    std::int64_t issuer_id, std::string_view jti, Timestamp jti_expires_at, Timestamp now,
    const TokenRecord& token, const AuditEventRecord& event) {
    return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
        Transaction tx(c);
        // Two instances racing on one jti: the second waits for the first's
        // row lock, then its WHERE fails, so only one wins.
        const bool fresh =
            c.exec(
                 "INSERT INTO oidc_jti (issuer_id, jti, expires_at) VALUES ($1, $2, $3) "
                 "ON CONFLICT (issuer_id, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at "
                 "WHERE oidc_jti.expires_at <= $4",
                 {param(issuer_id), param(jti), param(to_micros(jti_expires_at)),
                  param(to_micros(now))})
                .affected() == 1;
        if (!fresh) return std::optional<TokenRecord>();
        auto stored = insert_token_row(c, token);
        insert_audit_row(c, event);
        tx.commit();
        return std::optional(std::move(stored));
    });
}

SResult<TokenListing> PgOidcStore::list_tokens(std::int64_t account_id, long long offset,
                                               long long limit) {
    return with_connection<TokenListing>(m_pool, [&](Connection& c) {
        return pg::list_tokens(c, account_id, /*oidc=*/true, offset, limit);
    });
}

SResult<long long> PgOidcStore::delete_expired(Timestamp now) {
    return with_connection<long long>(m_pool, [&](Connection& c) {
        Transaction tx(c);
        const long long deleted =
            c.exec("DELETE FROM tokens WHERE generated_by = 'oidc' AND expires_at <= $1",
                   {param(to_micros(now))})
                .affected();
        c.exec("DELETE FROM oidc_jti WHERE expires_at <= $1", {param(to_micros(now))});
        tx.commit();
        return deleted;
    });
}

}  // namespace pat::patd::pg
