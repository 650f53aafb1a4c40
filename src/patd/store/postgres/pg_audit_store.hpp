#pragma once
// The PostgreSQL AuditStore, on the PgRepository's connection pool: every
// patd instance on the database writes to, and reads, one audit log.

#include "patd/store/audit_store.hpp"
#include "patd/store/postgres/pg_call.hpp"

namespace pat::patd::pg {

// Appends `event` on `c`, in the caller's transaction if one is open.
void insert_audit_row(Connection& c, const AuditEventRecord& event);

class PgAuditStore final : public AuditStore {
  public:
    explicit PgAuditStore(Pool& pool) : m_pool(pool) {}

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

}  // namespace pat::patd::pg
