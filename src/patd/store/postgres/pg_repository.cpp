#include "patd/store/postgres/pg_repository.hpp"

#include "patd/store/postgres/pg_audit_store.hpp"
#include "patd/store/postgres/pg_call.hpp"
#include "patd/store/postgres/pg_console.hpp"
#include "patd/store/postgres/pg_oidc_store.hpp"
#include "patd/store/postgres/pg_schema.hpp"

namespace pat::patd {

namespace {
using pg::bytes;
using pg::Connection;
using pg::param;
using pg::Pool;
using pg::Rows;
using pg::Transaction;
using pg::with_connection;

#define PATD_PG_SELECT_TOKEN "SELECT " PATD_PG_TOKEN_COLUMNS " FROM tokens t"
#define PATD_PG_SELECT_ACCOUNT "SELECT " PATD_PG_ACCOUNT_COLUMNS " FROM accounts a"

std::optional<AccountRecord> first_account(const Rows& r) {
    if (r.size() == 0) return std::nullopt;
    return pg::account_from(r, 0);
}

std::optional<TokenRecord> first_token(const Rows& r) {
    if (r.size() == 0) return std::nullopt;
    return pg::token_from(r, 0);
}

class PgRepository final : public Repository {
  public:
    PgRepository(const std::string& uri, std::size_t n)
        : m_pool(connect_all(uri, n)), m_oidc(m_pool), m_audit(m_pool) {
        auto lease = m_pool.acquire();
        pg::migrate(*lease);
    }

    SResult<AccountRecord> create_account(const AccountRecord& a) override {
        return with_connection<AccountRecord>(m_pool, [&](Connection& c) {
            const Rows r = c.exec(
                "INSERT INTO accounts (username, password_hash, created_at, totp_enabled, "
                "totp_secret, totp_last_step) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                {param(a.username), param(a.password_hash), param(to_micros(a.created_at)),
                 param(a.totp_enabled), bytes(a.totp_secret_sealed), param(a.totp_last_step)});
            AccountRecord out = a;
            out.id = r.int_at(0, 0);
            return out;
        });
    }

    SResult<std::optional<AccountRecord>> find_account(std::string_view username) override {
        return with_connection<std::optional<AccountRecord>>(m_pool, [&](Connection& c) {
            return first_account(
                c.exec(PATD_PG_SELECT_ACCOUNT " WHERE a.username = $1", {param(username)}));
        });
    }

    SResult<std::optional<AccountRecord>> find_account_by_id(std::int64_t id) override {
        return with_connection<std::optional<AccountRecord>>(m_pool, [&](Connection& c) {
            return first_account(c.exec(PATD_PG_SELECT_ACCOUNT " WHERE a.id = $1", {param(id)}));
        });
    }

    SResult<std::vector<AccountRecord>> list_accounts() override {
        return with_connection<std::vector<AccountRecord>>(m_pool, [&](Connection& c) {
            const Rows r = c.exec(PATD_PG_SELECT_ACCOUNT " ORDER BY a.username");
            std::vector<AccountRecord> out;
            out.reserve(static_cast<std::size_t>(r.size()));
            for (int i = 0; i < r.size(); ++i) out.push_back(pg::account_from(r, i));
            return out;
        });
    }

    SResult<void> set_password_hash(std::int64_t id, const std::string& hash) override {
        return run(m_pool, "UPDATE accounts SET password_hash = $1 WHERE id = $2",
                   {param(hash), param(id)});
    }

    SResult<void> set_totp(std::int64_t id, bool enabled, const std::string& sealed) override {
        return run(m_pool,
                   "UPDATE accounts SET totp_enabled = $1, totp_secret = $2, totp_last_step = 0 "
                   "WHERE id = $3",
                   {param(enabled), bytes(sealed), param(id)});
    }

    SResult<bool> consume_totp_step(std::int64_t id, std::int64_t step) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return c.exec(
                        "UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND "
                        "totp_last_step < $1",
                        {param(step), param(id)})
                       .affected() == 1;
        });
    }

    SResult<std::optional<TokenRecord>> find_token_by_digest(std::string_view digest) override {
        return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
            return first_token(
                c.exec(PATD_PG_SELECT_TOKEN " WHERE t.digest = $1", {bytes(digest)}));
        });
    }

    SResult<std::optional<std::pair<TokenRecord, AccountRecord>>> find_token_and_owner(
        std::string_view digest) override {
        using Row = std::optional<std::pair<TokenRecord, AccountRecord>>;
        return with_connection<Row>(m_pool, [&](Connection& c) -> Row {
            const Rows r = c.exec("SELECT " PATD_PG_TOKEN_COLUMNS ", " PATD_PG_ACCOUNT_COLUMNS
                                  " FROM tokens t JOIN accounts a ON a.id = t.account_id "
                                  "WHERE t.digest = $1",
                                  {bytes(digest)});
            if (r.size() == 0) return std::nullopt;
            return std::pair(pg::token_from(r, 0), pg::account_from(r, 0, pg::k_token_columns));
        });
    }

    SResult<std::optional<TokenRecord>> find_token(std::int64_t account_id,
                                                   std::string_view uuid) override {
        return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
            return first_token(c.exec(PATD_PG_SELECT_TOKEN
                                      " WHERE t.account_id = $1 AND t.uuid = $2",
                                      {param(account_id), param(uuid)}));
        });
    }

    SResult<TokenListing> list_tokens(std::int64_t account_id, long long offset,
                                      long long limit) override {
        return with_connection<TokenListing>(m_pool, [&](Connection& c) {
            return pg::list_tokens(c, account_id, /*oidc=*/false, offset, limit);
        });
    }

    SResult<TokenRecord> insert_token(const TokenRecord& t, std::optional<int> max_auto) override {
        return with_connection<TokenRecord>(m_pool, [&](Connection& c) {
            Transaction tx(c);
            const bool evict = max_auto && t.generated_by == GeneratedBy::automatic;
            // Serialises eviction per account across patd instances.
            if (evict)
                c.exec("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", {param(t.account_id)});
            TokenRecord out = pg::insert_token_row(c, t);
            if (evict)
                c.exec(
                    "DELETE FROM tokens WHERE id IN (SELECT id FROM tokens WHERE account_id = $1 "
                    "AND generated_by = 'auto' ORDER BY created_at DESC, id DESC OFFSET $2)",
                    {param(t.account_id), param(std::int64_t{*max_auto})});
            tx.commit();
            return out;
        });
    }

    SResult<std::optional<TokenRecord>> update_token(std::int64_t account_id, std::string_view uuid,
                                                     const TokenPatch& patch) override {
        return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
            const pg::Param label = patch.token_label ? param(*patch.token_label) : pg::Param{};
            const pg::Param active = patch.is_active ? param(*patch.is_active) : pg::Param{};
            return first_token(
                c.exec("UPDATE tokens t SET label = COALESCE($3, t.label), "
                       "is_active = COALESCE($4::boolean, t.is_active) "
                       "WHERE t.account_id = $1 AND t.uuid = $2 RETURNING " PATD_PG_TOKEN_COLUMNS,
                       {param(account_id), param(uuid), label, active}));
        });
    }

    SResult<bool> delete_token(std::int64_t account_id, std::string_view uuid) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return c.exec("DELETE FROM tokens WHERE account_id = $1 AND uuid = $2",
                          {param(account_id), param(uuid)})
                       .affected() == 1;
        });
    }

    SResult<void> update_last_used(
        const std::vector<std::pair<std::int64_t, Timestamp>>& entries) override {
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            Transaction tx(c);
            for (const auto& [id, used_at] : entries)
                c.exec(
                    "UPDATE tokens SET last_used = GREATEST(COALESCE(last_used, $1), $1) "
                    "WHERE id = $2",
                    {param(to_micros(used_at)), param(id)});
            tx.commit();
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    // --- the console's tables (pg_console.cpp) -----------------------------
    SResult<void> insert_web_session(const WebSessionRecord& session, Timestamp idle_cutoff,
                                     Timestamp absolute_cutoff) override {
        return run_body([&](Connection& c) {
            Transaction tx(c);
            pg::insert_web_session(c, session, idle_cutoff, absolute_cutoff);
            tx.commit();
        });
    }
    SResult<std::optional<WebSessionRecord>> find_web_session(std::string_view digest) override {
        return with_connection<std::optional<WebSessionRecord>>(
            m_pool, [&](Connection& c) { return pg::find_web_session(c, digest); });
    }
    SResult<void> touch_web_session(std::string_view digest, Timestamp last_seen) override {
        return run_body([&](Connection& c) { pg::touch_web_session(c, digest, last_seen); });
    }
    SResult<void> delete_web_session(std::string_view digest) override {
        return run_body([&](Connection& c) { pg::delete_web_session(c, digest); });
    }
    SResult<long long> delete_web_sessions(std::int64_t account_id) override {
        return with_connection<long long>(
            m_pool, [&](Connection& c) { return pg::delete_web_sessions(c, account_id); });
    }
    SResult<long long> delete_auto_tokens(std::int64_t account_id) override {
        return with_connection<long long>(m_pool, [&](Connection& c) {
            return c
                .exec("DELETE FROM tokens WHERE account_id = $1 AND generated_by = 'auto'",
                      {param(account_id)})
                .affected();
        });
    }
    SResult<void> set_pending_totp(std::int64_t account_id, const std::string& sealed) override {
        return run_body([&](Connection& c) {
            Transaction tx(c);
            pg::set_pending_totp(c, account_id, sealed);
            tx.commit();
        });
    }
    SResult<std::optional<std::string>> find_pending_totp(std::int64_t account_id) override {
        return with_connection<std::optional<std::string>>(
            m_pool, [&](Connection& c) { return pg::find_pending_totp(c, account_id); });
    }
    SResult<void> replace_recovery_codes(std::int64_t account_id,
                                         const std::vector<std::string>& digests) override {
        return run_body([&](Connection& c) {
            Transaction tx(c);
            pg::replace_recovery_codes(c, account_id, digests);
            tx.commit();
        });
    }
    SResult<bool> consume_recovery_code(std::int64_t account_id, std::string_view digest) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return pg::consume_recovery_code(c, account_id, digest);
        });
    }
    SResult<long long> count_recovery_codes(std::int64_t account_id) override {
        return with_connection<long long>(
            m_pool, [&](Connection& c) { return pg::count_recovery_codes(c, account_id); });
    }
    SResult<void> insert_device_auth(const DeviceAuthRecord& device,
                                     Timestamp purge_before) override {
        return run_body([&](Connection& c) {
            Transaction tx(c);
            pg::insert_device_auth(c, device, purge_before);
            tx.commit();
        });
    }
    SResult<std::optional<DeviceAuthRecord>> find_device_auth(std::string_view digest) override {
        return with_connection<std::optional<DeviceAuthRecord>>(
            m_pool, [&](Connection& c) { return pg::find_device_auth(c, digest); });
    }
    SResult<std::optional<DeviceAuthRecord>> find_device_auth_by_user_code(
        std::string_view user_code) override {
        return with_connection<std::optional<DeviceAuthRecord>>(
            m_pool, [&](Connection& c) { return pg::find_device_auth_by_user_code(c, user_code); });
    }
    SResult<void> record_device_poll(std::string_view digest, Timestamp at,
                                     std::int64_t interval_seconds) override {
        return run_body(
            [&](Connection& c) { pg::record_device_poll(c, digest, at, interval_seconds); });
    }
    SResult<bool> decide_device_auth(std::string_view user_code, std::int64_t account_id,
                                     bool approve, Timestamp now) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return pg::decide_device_auth(c, user_code, account_id, approve, now);
        });
    }
    SResult<bool> claim_device_auth(std::string_view digest) override {
        return with_connection<bool>(
            m_pool, [&](Connection& c) { return pg::claim_device_auth(c, digest); });
    }

    SResult<void> ping() override {
        auto r = run(m_pool, "SELECT 1", {});
        if (!r) return fail(unavailable("the database does not answer"));
        return {};
    }

    OidcStore& oidc() override { return m_oidc; }
    AuditStore& audit() override { return m_audit; }

  private:
    static std::vector<std::unique_ptr<Connection>> connect_all(const std::string& uri,
                                                                std::size_t n) {
        std::vector<std::unique_ptr<Connection>> out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(std::make_unique<Connection>(uri));
        return out;
    }
    template <class F>
    SResult<void> run_body(F&& body) {
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            body(c);
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }
    static SResult<void> run(Pool& pool, const char* sql, const std::vector<pg::Param>& params) {
        auto r = with_connection<std::monostate>(pool, [&](Connection& c) {
            c.exec(sql, params);
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    Pool m_pool;
    pg::PgOidcStore m_oidc;
    pg::PgAuditStore m_audit;
};
}  // namespace

std::unique_ptr<Repository> make_postgres_repository(const std::string& uri,
                                                     std::size_t pool_size) {
    return std::make_unique<PgRepository>(uri, pool_size == 0 ? 1 : pool_size);
}

}  // namespace pat::patd
