#pragma once
// The SQLite AuditStore, on the SqliteRepository's connection pool.

#include "patd/store/audit_store.hpp"
#include "patd/store/sqlite/sqlite_call.hpp"

namespace pat::patd::sqlite {

// Appends `event` on `c`, in the caller's transaction if one is open.
void insert_audit_row(Connection& c, const AuditEventRecord& event);

class SqliteAuditStore final : public AuditStore {
  public:
    explicit SqliteAuditStore(Pool& pool) : m_pool(pool) {}

    SResult<void> insert(const AuditEventRecord& event) override;
    SResult<AuditListing> list(const AuditFilter& filter, long long offset,
                               long long limit) override;
    SResult<std::vector<TokenAddressUse>> recent_addresses(std::string_view token_uuid,
                                                           long long limit) override;
    SResult<long long> record_expirations(Timestamp now) override;
    SResult<long long> prune(Timestamp before) override;

  private:
    Pool& m_pool;
};

}  // namespace pat::patd::sqlite
