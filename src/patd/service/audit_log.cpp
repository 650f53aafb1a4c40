// Writing audit events (best effort, never a secret) from the service, and
// reading the log back for the API and `patd audit` (docs/patd-api.md,
// "Audit log"). Kept apart from audit.cpp so that audit.hpp, which
// service_impl.hpp includes, does not depend back on the service.
#include "common/log.hpp"
#include "patd/service/audit.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
constexpr long long k_max_api_page_size = 100;
constexpr long long k_max_admin_page_size = 10000;

SResult<AuditPage> audit_page(Repository& repository, AuditFilter filter, const AuditQuery& q,
                              long long max_page_size) {
    if (q.page.page < 1 || q.page.page > 1'000'000'000)
        return fail(bad_request("page", "must be a number >= 1"));
    if (q.page.page_size < 1 || q.page.page_size > max_page_size)
        return fail(bad_request("page_size",
                                "must be a number from 1 to " + std::to_string(max_page_size)));
    if (q.since && q.until && *q.until <= *q.since)
        return fail(bad_request("to", "must be later than from"));
    if (q.token_uuid && (q.token_uuid->empty() || q.token_uuid->size() > 64))
        return fail(bad_request("token", "must be a token uuid"));
    filter.token_uuid = q.token_uuid;
    filter.since = q.since;
    filter.until = q.until;
    const long long offset = (q.page.page - 1) * q.page.page_size;
    auto listing = repository.audit().list(filter, offset, q.page.page_size);
    if (!listing) return fail(std::move(listing).error());
    AuditPage out;
    out.count = listing->count;
    out.has_previous = q.page.page > 1;
    out.has_next = offset + static_cast<long long>(listing->rows.size()) < listing->count;
    out.results = std::move(listing->rows);
    return out;
}
}  // namespace

AuditEventRecord TokenService::Impl::audit_event(std::string_view kind, std::int64_t account_id,
                                                 const std::string& actor, std::string token_uuid,
                                                 const ClientInfo& client,
                                                 const nlohmann::json& detail) {
    AuditEventRecord e;
    e.at = now();
    e.account_id = account_id;
    e.kind = std::string(kind);
    e.actor = audit_text(actor);
    e.token_uuid = std::move(token_uuid);
    e.client_ip = audit_text(client.ip, 64);
    e.user_agent = audit_text(client.user_agent);
    // Invalid UTF-8 in a claim or label becomes U+FFFD rather than an exception.
    e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return e;
}

void TokenService::Impl::audit(std::string_view kind, std::int64_t account_id,
                               const std::string& actor, std::string token_uuid,
                               const ClientInfo& client, const nlohmann::json& detail) {
    const AuditEventRecord e =
        audit_event(kind, account_id, actor, std::move(token_uuid), client, detail);
    if (auto r = repository->audit().insert(e); !r)
        log::warn("audit: cannot record " + e.kind + ": " + r.error().message);
}

void TokenService::Impl::audit_token_use(const TokenRecord& token, const ClientInfo& client,
                                         std::string_view via) {
    if (!audit_uses.first_use(token.id, client.ip, now())) return;
    audit(audit_kind::token_used, token.account_id, actor_of(token), token.uuid, client,
          {{"via", via}, {"generated_by", to_string(token.generated_by)}});
}

void TokenService::Impl::audit_failed_signin(std::string_view username, const ClientInfo& client,
                                             std::string_view via, std::string_view reason) {
    std::int64_t account_id = 0;
    if (valid_username(username)) {
        auto found = repository->find_account(username);
        if (found && found->has_value()) account_id = (*found)->id;
    }
    audit(audit_kind::signin_failed, account_id,
          account_id ? "account:" + std::string(username) : std::string("unknown"), "", client,
          {{"via", via}, {"reason", reason}});
}

SResult<AuditPage> TokenService::list_audit_events(const Principal& who, const AuditQuery& query) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    AuditFilter filter;
    filter.account_id = who.account_id;
    return audit_page(*m_impl->repository, filter, query, k_max_api_page_size);
}

SResult<AuditPage> TokenService::list_audit_events_admin(std::optional<std::string_view> account,
                                                         const AuditQuery& query) {
    AuditFilter filter;
    if (account) {
        auto found = m_impl->repository->find_account(*account);
        if (!found) return fail(std::move(found).error());
        if (!found->has_value()) return fail(not_found("no such account"));
        filter.account_id = (*found)->id;
    }
    return audit_page(*m_impl->repository, filter, query, k_max_admin_page_size);
}

}  // namespace pat::patd
