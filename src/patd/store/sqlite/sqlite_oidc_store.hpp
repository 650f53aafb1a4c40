#pragma once
// The SQLite OidcStore, on the SqliteRepository's connection pool.

#include "patd/store/oidc_store.hpp"
#include "patd/store/sqlite/sqlite_call.hpp"

namespace pat::patd::sqlite {

class SqliteOidcStore final : public OidcStore {
  public:
    explicit SqliteOidcStore(Pool& pool) : m_pool(pool) {}

    SResult<OidcIssuerRecord> insert_issuer(const OidcIssuerRecord& issuer) override;
    SResult<std::vector<OidcIssuerRecord>> list_issuers() override;
    SResult<std::optional<OidcIssuerRecord>> find_issuer(std::string_view url) override;
    SResult<bool> delete_issuer(std::int64_t id) override;
    SResult<OidcPolicyRecord> insert_policy(const OidcPolicyRecord& policy) override;
    SResult<std::vector<OidcPolicyRecord>> list_policies(const OidcPolicyFilter& filter) override;
    SResult<bool> delete_policy(std::optional<std::int64_t> account_id,
                                std::string_view uuid) override;
    SResult<std::optional<TokenRecord>> issue_token(std::int64_t issuer_id, std::string_view jti,
                                                    Timestamp jti_expires_at, Timestamp now,
                                                    const TokenRecord& token,
                                                    const AuditEventRecord& event) override;
    SResult<TokenListing> list_tokens(std::int64_t account_id, long long offset,
                                      long long limit) override;
    SResult<long long> delete_expired(Timestamp now) override;

  private:
    Pool& m_pool;
};

}  // namespace pat::patd::sqlite
