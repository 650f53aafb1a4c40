#pragma once
// What patd keeps of its audit log (docs/patd-api.md, "Audit log"): one row
// per event, never a secret. Part of the Repository (Repository::audit()),
// implemented for SQLite and PostgreSQL. Same rules as the Repository:
// thread-safe, one transaction per method.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patd/domain/error.hpp"
#include "patd/domain/time.hpp"
#include "patd/domain/types.hpp"

namespace pat::patd {

struct AuditEventRecord {
    std::int64_t id = 0;  // assigned by insert
    Timestamp at;
    std::int64_t account_id = 0;  // 0: no account (e.g. a refused OIDC exchange)
    std::string username;         // filled by list from the account, "" when gone or none
    std::string kind;             // e.g. "token.created" (service/audit.hpp)
    std::string actor;            // "account:alice", "token:<uuid>", "oidc:<iss> <sub>", "admin"
    std::string token_uuid;       // "" when no token is concerned
    std::string client_ip;
    std::string user_agent;
    std::string detail;  // a JSON object, as text
};

struct AuditFilter {
    std::optional<std::int64_t> account_id;  // nullopt: every account (admins)
    std::optional<std::string> token_uuid;
    std::optional<Timestamp> since;  // at >= since
    std::optional<Timestamp> until;  // at < until
};

struct AuditListing {
    long long count = 0;                 // rows matching the filter
    std::vector<AuditEventRecord> rows;  // newest first (at, then id, descending)
};

class AuditStore {
  public:
    virtual ~AuditStore() = default;

    virtual SResult<void> insert(const AuditEventRecord& event) = 0;
    virtual SResult<AuditListing> list(const AuditFilter& filter, long long offset,
                                       long long limit) = 0;
    // The distinct addresses of the token's "token.used" events, most recent
    // first, at most `limit`.
    virtual SResult<std::vector<TokenAddressUse>> recent_addresses(std::string_view token_uuid,
                                                                   long long limit) = 0;
    // Records one "token.expired" event (actor "patd") for every token whose
    // expiry is at or before `now` and that has none yet; returns how many.
    virtual SResult<long long> record_expirations(Timestamp now) = 0;
    // Deletes the events older than `before`; returns how many.
    virtual SResult<long long> prune(Timestamp before) = 0;
};

}  // namespace pat::patd
