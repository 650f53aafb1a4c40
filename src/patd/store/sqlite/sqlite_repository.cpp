#include "patd/store/sqlite/sqlite_repository.hpp"

#include <chrono>
#include <shared_mutex>
#include <unordered_map>

#include "patd/store/sqlite/migrations.hpp"
#include "patd/store/sqlite/sqlite_audit_store.hpp"
#include "patd/store/sqlite/sqlite_call.hpp"
#include "patd/store/sqlite/sqlite_console.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"
#include "patd/store/sqlite/sqlite_oidc_store.hpp"
#include "patd/store/sqlite/sqlite_rows.hpp"
#include "patd/store/sqlite/wal_checkpointer.hpp"

namespace pat::patd {

namespace {
using sqlite::Connection;
using sqlite::Pool;
using sqlite::Transaction;
using sqlite::with_connection;

std::vector<std::unique_ptr<Connection>> open_all(const std::string& path, bool uri, std::size_t n,
                                                  sqlite::WalCheckpointer* checkpointer) {
    std::vector<std::unique_ptr<Connection>> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(std::make_unique<Connection>(path, uri));
        if (checkpointer) checkpointer->attach(*out.back());
    }
    return out;
}

// An in-memory database has no WAL to checkpoint (and a second connection
// to ":memory:" would be another, empty database).
std::unique_ptr<sqlite::WalCheckpointer> checkpointer_for(const std::string& path, bool uri) {
    if (path == ":memory:") return nullptr;
    return std::make_unique<sqlite::WalCheckpointer>(path, uri);
}

// Recent PAT lookups by digest. The /token hot path would otherwise open a
// SQLite read transaction per request, and SQLite's unix VFS takes a
// process-wide mutex plus two fcntl locks for each (the top cost of /token
// under load). Every write through this repository clears the cache, so a
// token deactivated, deleted or evicted through patd never authenticates
// from it; k_ttl bounds how long a change made by another process (the
// `patd user` commands, a manual SQL edit) can go unseen.
class TokenLookupCache {
  public:
    using Row = std::optional<std::pair<TokenRecord, AccountRecord>>;
    static constexpr auto k_ttl = std::chrono::seconds(1);
    static constexpr std::size_t k_max_entries = 4096;

    std::optional<Row> find(std::string_view digest) const {
        const auto now = std::chrono::steady_clock::now();
        std::shared_lock lock(m_mutex);
        const auto it = m_entries.find(std::string(digest));
        if (it == m_entries.end() || now - it->second.at >= k_ttl) return std::nullopt;
        return it->second.row;
    }
    void store(std::string_view digest, std::uint64_t generation, const Row& row) {
        std::unique_lock lock(m_mutex);
        // A write that ran during our lookup may have made `row` stale.
        if (generation != m_generation) return;
        if (m_entries.size() >= k_max_entries) m_entries.clear();
        m_entries[std::string(digest)] = Entry{std::chrono::steady_clock::now(), row};
    }
    std::uint64_t generation() const {
        std::shared_lock lock(m_mutex);
        return m_generation;
    }
    void clear() {
        std::unique_lock lock(m_mutex);
        ++m_generation;
        m_entries.clear();
    }

  private:
    struct Entry {
        std::chrono::steady_clock::time_point at;
        Row row;
    };
    mutable std::shared_mutex m_mutex;
    std::uint64_t m_generation = 0;
    std::unordered_map<std::string, Entry> m_entries;
};

class SqliteRepository final : public Repository {
  public:
    SqliteRepository(const std::string& path, bool uri, std::size_t pool_size)
        : m_checkpointer(checkpointer_for(path, uri)),
          m_pool(open_all(path, uri, pool_size, m_checkpointer.get())),
          m_oidc(m_pool),
          m_audit(m_pool) {
        auto lease = m_pool.acquire();
        sqlite::migrate(*lease);
    }

    SResult<AccountRecord> create_account(const AccountRecord& a) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<AccountRecord>(m_pool, [&](Connection& c) {
            c.prepare(
                 "INSERT INTO accounts (username, password_hash, created_at, totp_enabled, "
                 "totp_secret, totp_last_step) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(1, a.username)
                .bind(2, a.password_hash)
                .bind(3, std::int64_t{to_micros(a.created_at)})
                .bind(4, std::int64_t{a.totp_enabled})
                .bind_blob(5, a.totp_secret_sealed)
                .bind(6, a.totp_last_step)
                .run();
            AccountRecord out = a;
            out.id = c.last_insert_rowid();
            return out;
        });
    }

    SResult<std::optional<AccountRecord>> find_account(std::string_view username) override {
        return with_connection<std::optional<AccountRecord>>(m_pool, [&](Connection& c) {
            auto s = c.prepare(PATD_SELECT_ACCOUNT " WHERE username = ?");
            s.bind(1, username);
            return s.step() ? std::optional(sqlite::account_from(s)) : std::nullopt;
        });
    }

    SResult<std::optional<AccountRecord>> find_account_by_id(std::int64_t id) override {
        return with_connection<std::optional<AccountRecord>>(m_pool, [&](Connection& c) {
            auto s = c.prepare(PATD_SELECT_ACCOUNT " WHERE id = ?");
            s.bind(1, id);
            return s.step() ? std::optional(sqlite::account_from(s)) : std::nullopt;
        });
    }

    SResult<std::vector<AccountRecord>> list_accounts() override {
        return with_connection<std::vector<AccountRecord>>(m_pool, [&](Connection& c) {
            auto s = c.prepare(PATD_SELECT_ACCOUNT " ORDER BY username");
            std::vector<AccountRecord> out;
            while (s.step()) out.push_back(sqlite::account_from(s));
            return out;
        });
    }

    SResult<void> set_password_hash(std::int64_t id, const std::string& hash) override {
        const ClearOnExit invalidate{m_token_cache};
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            c.prepare("UPDATE accounts SET password_hash = ? WHERE id = ?")
                .bind(1, hash)
                .bind(2, id)
                .run();
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    SResult<void> set_totp(std::int64_t id, bool enabled, const std::string& sealed) override {
        const ClearOnExit invalidate{m_token_cache};
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            c.prepare(
                 "UPDATE accounts SET totp_enabled = ?, totp_secret = ?, totp_last_step = 0 "
                 "WHERE id = ?")
                .bind(1, std::int64_t{enabled})
                .bind_blob(2, sealed)
                .bind(3, id)
                .run();
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    SResult<bool> consume_totp_step(std::int64_t id, std::int64_t step) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<bool>(m_pool, [&](Connection& c) {
            c.prepare("UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
                .bind(1, step)
                .bind(2, id)
                .bind(3, step)
                .run();
            return c.changes() == 1;
        });
    }

    SResult<std::optional<TokenRecord>> find_token_by_digest(std::string_view digest) override {
        return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
            auto s = c.prepare(PATD_SELECT_TOKEN " WHERE digest = ?");
            s.bind_blob(1, digest);
            return s.step() ? std::optional(sqlite::token_from(s)) : std::nullopt;
        });
    }

    SResult<std::optional<std::pair<TokenRecord, AccountRecord>>> find_token_and_owner(
        std::string_view digest) override {
        using Row = TokenLookupCache::Row;
        if (auto hit = m_token_cache.find(digest)) return *hit;
        const std::uint64_t generation = m_token_cache.generation();
        auto row = with_connection<Row>(m_pool, [&](Connection& c) -> Row {
            auto s = c.prepare(PATD_SELECT_TOKEN_AND_OWNER " WHERE t.digest = ?");
            s.bind_blob(1, digest);
            if (!s.step()) return std::nullopt;
            return std::pair(sqlite::token_from(s),
                             sqlite::account_from(s, sqlite::k_token_columns));
        });
        // Misses are not cached: a token created a moment later must work.
        if (row && row.value()) m_token_cache.store(digest, generation, row.value());
        return row;
    }

    SResult<std::optional<TokenRecord>> find_token(std::int64_t account_id,
                                                   std::string_view uuid) override {
        return with_connection<std::optional<TokenRecord>>(
            m_pool, [&](Connection& c) { return sqlite::find_token(c, account_id, uuid); });
    }

    SResult<TokenListing> list_tokens(std::int64_t account_id, long long offset,
                                      long long limit) override {
        return with_connection<TokenListing>(m_pool, [&](Connection& c) {
            return sqlite::list_tokens(c, account_id, /*oidc=*/false, offset, limit);
        });
    }

    SResult<TokenRecord> insert_token(const TokenRecord& t, std::optional<int> max_auto) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<TokenRecord>(m_pool, [&](Connection& c) {
            Transaction tx(c, true);
            TokenRecord out = sqlite::insert_token(c, t);
            if (max_auto && t.generated_by == GeneratedBy::automatic)
                sqlite::evict_auto_tokens(c, t.account_id, *max_auto);
            tx.commit();
            return out;
        });
    }

    SResult<std::optional<TokenRecord>> update_token(std::int64_t account_id, std::string_view uuid,
                                                     const TokenPatch& patch) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<std::optional<TokenRecord>>(m_pool, [&](Connection& c) {
            Transaction tx(c, true);
            if (patch.token_label)
                c.prepare("UPDATE tokens SET label = ? WHERE account_id = ? AND uuid = ?")
                    .bind(1, *patch.token_label)
                    .bind(2, account_id)
                    .bind(3, uuid)
                    .run();
            if (patch.is_active)
                c.prepare("UPDATE tokens SET is_active = ? WHERE account_id = ? AND uuid = ?")
                    .bind(1, std::int64_t{*patch.is_active})
                    .bind(2, account_id)
                    .bind(3, uuid)
                    .run();
            auto out = sqlite::find_token(c, account_id, uuid);
            tx.commit();
            return out;
        });
    }

    SResult<bool> delete_token(std::int64_t account_id, std::string_view uuid) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<bool>(m_pool, [&](Connection& c) {
            c.prepare("DELETE FROM tokens WHERE account_id = ? AND uuid = ?")
                .bind(1, account_id)
                .bind(2, uuid)
                .run();
            return c.changes() == 1;
        });
    }

    SResult<void> update_last_used(
        const std::vector<std::pair<std::int64_t, Timestamp>>& entries) override {
        const ClearOnExit invalidate{m_token_cache};
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            Transaction tx(c, true);
            for (const auto& [id, used_at] : entries)
                c.prepare(
                     "UPDATE tokens SET last_used = MAX(COALESCE(last_used, ?1), ?1) WHERE id = ?2")
                    .bind(1, std::int64_t{to_micros(used_at)})
                    .bind(2, id)
                    .run();
            tx.commit();
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    // --- the console's tables (sqlite_console.cpp) -------------------------
    SResult<void> insert_web_session(const WebSessionRecord& session, Timestamp idle_cutoff,
                                     Timestamp absolute_cutoff) override {
        return run([&](Connection& c) {
            Transaction tx(c, true);
            sqlite::insert_web_session(c, session, idle_cutoff, absolute_cutoff);
            tx.commit();
        });
    }
    SResult<std::optional<WebSessionRecord>> find_web_session(std::string_view digest) override {
        return with_connection<std::optional<WebSessionRecord>>(
            m_pool, [&](Connection& c) { return sqlite::find_web_session(c, digest); });
    }
    SResult<void> touch_web_session(std::string_view digest, Timestamp last_seen) override {
        return run([&](Connection& c) { sqlite::touch_web_session(c, digest, last_seen); });
    }
    SResult<void> delete_web_session(std::string_view digest) override {
        return run([&](Connection& c) { sqlite::delete_web_session(c, digest); });
    }
    SResult<long long> delete_web_sessions(std::int64_t account_id) override {
        return with_connection<long long>(
            m_pool, [&](Connection& c) { return sqlite::delete_web_sessions(c, account_id); });
    }
    SResult<long long> delete_auto_tokens(std::int64_t account_id) override {
        const ClearOnExit invalidate{m_token_cache};
        return with_connection<long long>(m_pool, [&](Connection& c) {
            c.prepare("DELETE FROM tokens WHERE account_id = ? AND generated_by = 'auto'")
                .bind(1, account_id)
                .run();
            return c.changes();
        });
    }
    SResult<void> set_pending_totp(std::int64_t account_id, const std::string& sealed) override {
        return run([&](Connection& c) {
            Transaction tx(c, true);
            sqlite::set_pending_totp(c, account_id, sealed);
            tx.commit();
        });
    }
    SResult<std::optional<std::string>> find_pending_totp(std::int64_t account_id) override {
        return with_connection<std::optional<std::string>>(
            m_pool, [&](Connection& c) { return sqlite::find_pending_totp(c, account_id); });
    }
    SResult<void> replace_recovery_codes(std::int64_t account_id,
                                         const std::vector<std::string>& digests) override {
        return run([&](Connection& c) {
            Transaction tx(c, true);
            sqlite::replace_recovery_codes(c, account_id, digests);
            tx.commit();
        });
    }
    SResult<bool> consume_recovery_code(std::int64_t account_id, std::string_view digest) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return sqlite::consume_recovery_code(c, account_id, digest);
        });
    }
    SResult<long long> count_recovery_codes(std::int64_t account_id) override {
        return with_connection<long long>(
            m_pool, [&](Connection& c) { return sqlite::count_recovery_codes(c, account_id); });
    }
    SResult<void> insert_device_auth(const DeviceAuthRecord& device,
                                     Timestamp purge_before) override {
        return run([&](Connection& c) {
            Transaction tx(c, true);
            sqlite::insert_device_auth(c, device, purge_before);
            tx.commit();
        });
    }
    SResult<std::optional<DeviceAuthRecord>> find_device_auth(std::string_view digest) override {
        return with_connection<std::optional<DeviceAuthRecord>>(
            m_pool, [&](Connection& c) { return sqlite::find_device_auth(c, digest); });
    }
    SResult<std::optional<DeviceAuthRecord>> find_device_auth_by_user_code(
        std::string_view user_code) override {
        return with_connection<std::optional<DeviceAuthRecord>>(m_pool, [&](Connection& c) {
            return sqlite::find_device_auth_by_user_code(c, user_code);
        });
    }
    SResult<void> record_device_poll(std::string_view digest, Timestamp at,
                                     std::int64_t interval_seconds) override {
        return run(
            [&](Connection& c) { sqlite::record_device_poll(c, digest, at, interval_seconds); });
    }
    SResult<bool> decide_device_auth(std::string_view user_code, std::int64_t account_id,
                                     bool approve, Timestamp now) override {
        return with_connection<bool>(m_pool, [&](Connection& c) {
            return sqlite::decide_device_auth(c, user_code, account_id, approve, now);
        });
    }
    SResult<bool> claim_device_auth(std::string_view digest) override {
        return with_connection<bool>(
            m_pool, [&](Connection& c) { return sqlite::claim_device_auth(c, digest); });
    }

    SResult<void> ping() override {
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            c.prepare("SELECT 1").run();
            return std::monostate{};
        });
        if (!r) return fail(unavailable("the database does not answer"));
        return {};
    }

    OidcStore& oidc() override { return m_oidc; }
    AuditStore& audit() override { return m_audit; }

  private:
    // Runs `body` (no result) with a pooled connection.
    template <class F>
    SResult<void> run(F&& body) {
        auto r = with_connection<std::monostate>(m_pool, [&](Connection& c) {
            body(c);
            return std::monostate{};
        });
        if (!r) return fail(std::move(r).error());
        return {};
    }

    // Clears the lookup cache when a write method returns (success or not:
    // a failed transaction may still have changed nothing, clearing is safe).
    struct ClearOnExit {
        TokenLookupCache& cache;
        ~ClearOnExit() { cache.clear(); }
    };

    // Before the pool: its connections' WAL hooks point at it, so it must
    // outlive them.
    std::unique_ptr<sqlite::WalCheckpointer> m_checkpointer;
    Pool m_pool;
    sqlite::SqliteOidcStore m_oidc;
    sqlite::SqliteAuditStore m_audit;
    TokenLookupCache m_token_cache;
};
}  // namespace

std::unique_ptr<Repository> make_sqlite_repository(const std::string& path, std::size_t pool_size) {
    if (path == ":memory:") return std::make_unique<SqliteRepository>(":memory:", false, 1);
    return std::make_unique<SqliteRepository>(path, false, pool_size == 0 ? 1 : pool_size);
}

}  // namespace pat::patd
