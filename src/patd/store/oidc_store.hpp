#pragma once
// What patd keeps for keyless CI (docs/oidc.md): trusted OpenID Connect
// issuers, trust policies that map an ID token's claims to an account, the
// jti replay cache, and the short-lived tokens issued by the exchange (rows
// of the tokens table with generated_by "oidc"). Part of the Repository
// (Repository::oidc()), implemented for SQLite and PostgreSQL and checked by
// the same conformance suite. Same rules: thread-safe, one transaction per
// method.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patd/domain/error.hpp"
#include "patd/domain/scope.hpp"
#include "patd/domain/time.hpp"

namespace pat::patd {

struct AuditEventRecord;
struct TokenListing;
struct TokenRecord;

struct OidcIssuerRecord {
    std::int64_t id = 0;  // assigned by insert_issuer
    std::string uuid;
    std::string url;       // the exact `iss` of its tokens; unique
    std::string audience;  // the `aud` its tokens must carry for patd
    Timestamp created_at;
};

struct OidcPolicyRecord {
    std::int64_t id = 0;  // assigned by insert_policy
    std::string uuid;
    std::int64_t account_id = 0;
    std::int64_t issuer_id = 0;
    // Filled by the list methods from the joined rows.
    std::string username;
    std::string issuer_url;
    std::map<std::string, std::string> claims;  // claim -> exact value or glob
    TokenScope scope = TokenScope::read;
    std::chrono::seconds ttl{900};
    Timestamp created_at;
};

struct OidcPolicyFilter {
    std::optional<std::int64_t> account_id;
    std::optional<std::int64_t> issuer_id;
};

class OidcStore {
  public:
    virtual ~OidcStore() = default;

    // conflict when an issuer with this URL exists.
    virtual SResult<OidcIssuerRecord> insert_issuer(const OidcIssuerRecord& issuer) = 0;
    virtual SResult<std::vector<OidcIssuerRecord>> list_issuers() = 0;  // by URL
    virtual SResult<std::optional<OidcIssuerRecord>> find_issuer(std::string_view url) = 0;
    // false when no such issuer; conflict while policies still name it.
    virtual SResult<bool> delete_issuer(std::int64_t id) = 0;

    virtual SResult<OidcPolicyRecord> insert_policy(const OidcPolicyRecord& policy) = 0;
    // Oldest first, with username and issuer_url filled in.
    virtual SResult<std::vector<OidcPolicyRecord>> list_policies(
        const OidcPolicyFilter& filter) = 0;
    // false when no such policy (or it is not `account_id`'s, when given).
    virtual SResult<bool> delete_policy(std::optional<std::int64_t> account_id,
                                        std::string_view uuid) = 0;

    // The exchange's write, in one transaction (one commit: docs/oidc.md
    // "Cost"): records `jti` of `issuer_id` as used until `jti_expires_at`,
    // inserts `token` (a generated_by "oidc" row; returned with its id) and
    // appends `event`, the exchange's audit record. nullopt, and nothing
    // written, when the jti was recorded already and has not expired at
    // `now` (a replay); an entry expired at `now` no longer counts.
    virtual SResult<std::optional<TokenRecord>> issue_token(std::int64_t issuer_id,
                                                            std::string_view jti,
                                                            Timestamp jti_expires_at, Timestamp now,
                                                            const TokenRecord& token,
                                                            const AuditEventRecord& event) = 0;

    // The account's generated_by "oidc" tokens, newest first (the manual
    // and auto-generated listing leaves them out).
    virtual SResult<TokenListing> list_tokens(std::int64_t account_id, long long offset,
                                              long long limit) = 0;
    // Deletes oidc tokens expired at `now` and jti entries past their
    // expiry; returns the number of tokens deleted.
    virtual SResult<long long> delete_expired(Timestamp now) = 0;
};

}  // namespace pat::patd
