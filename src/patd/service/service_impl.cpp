// TokenService::Impl, the state every operation shares, and the
// TokenService lifetime that owns it (constructor, destructor, stats,
// flushes). The routes' logic lives in accounts.cpp, sessions.cpp,
// token_admin.cpp, pat_auth.cpp and registry_grant.cpp. Here rather than in
// a token_service.cpp so that token_service.hpp (the public interface) and
// service_impl.hpp (which needs it) do not include each other file-wise.
#include "patd/service/service_impl.hpp"

#include <algorithm>

#include "common/hex.hpp"
#include "common/pat_format.hpp"
#include "patd/domain/ip_address.hpp"

namespace pat::patd {

namespace {
oidc::KeyCacheOptions key_cache_options(const OidcServiceOptions& o) {
    oidc::KeyCacheOptions out;
    out.limits.deadline = o.fetch_timeout;
    out.refresh_interval = o.refresh_interval;
    return out;
}
}  // namespace

TokenService::Impl::Impl(std::unique_ptr<Repository> repo, Secret pepper, ServiceOptions opts,
                         const Clock& c, RandomSource& r)
    : repository(std::move(repo)),
      keys(std::move(pepper)),
      options(std::move(opts)),
      clock(c),
      random(r),
      limiter(make_memory_rate_limiter(options.rate_limit, c)),
      last_used(*repository, c, options.last_used_interval),
      oidc_keys(options.oidc.fetcher ? options.oidc.fetcher : oidc::make_curl_fetcher(),
                key_cache_options(options.oidc), c),
      audit_uses(options.last_used_interval),
      password_gate(std::clamp(options.max_concurrent_password_hashes, 1, 1024)) {}

std::string TokenService::Impl::new_uuid() {
    std::uint8_t b[16];
    random.fill(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    std::string out = to_hex(b);
    for (const std::size_t dash : {8U, 13U, 18U, 23U}) out.insert(dash, 1, '-');
    return out;
}

AccessTokenView TokenService::Impl::view_of(const TokenRecord& t) const {
    AccessTokenView v;
    v.uuid = t.uuid;
    v.client_id = t.client_id;
    v.creator_ip = t.creator_ip;
    v.creator_ua = t.creator_ua;
    v.created_at = t.created_at;
    v.last_used = t.last_used;
    if (const auto p = last_used.pending(t.id); p && (!v.last_used || *v.last_used < *p))
        v.last_used = p;
    v.generated_by = t.generated_by;
    v.is_active = t.is_active;
    v.token_label = t.label;
    v.scope = t.scope;
    v.expires_at = t.expires_at;
    return v;
}

bool TokenService::Impl::meant_as_pat(std::string_view secret) const {
    return has_token_prefix(options.token_prefix, secret);
}

SResult<void> TokenService::Impl::check_attempt(const ClientInfo& client,
                                                std::string_view username) {
    if (const auto wait = limiter->hold_off(username, source_key(client.ip))) {
        ++rate_limited_count;
        return fail(rate_limited(*wait));
    }
    return {};
}

Error TokenService::Impl::failed_attempt(const ClientInfo& client, std::string_view username,
                                         Error error) {
    ++auth_failures;
    limiter->record_failure(username, source_key(client.ip));
    return error;
}

Error TokenService::Impl::failed_unguessable(Error error) {
    ++auth_failures;
    return error;
}

SResult<void> require_password_session(const Principal& who) {
    if (who.is_pat_session) return fail(forbidden_pat_session());
    return {};
}

TokenService::TokenService(std::unique_ptr<Repository> repository, Secret pepper,
                           ServiceOptions options, const Clock& clock, RandomSource& random)
    : m_impl(std::make_unique<Impl>(std::move(repository), std::move(pepper), std::move(options),
                                    clock, random)) {}

TokenService::~TokenService() {
    // Nothing the server confirmed may be lost: write pending last-used values.
    m_impl->last_used.flush();
}

bool TokenService::needs_password_check(std::string_view secret) const {
    return !m_impl->meant_as_pat(secret);
}

SResult<void> TokenService::health() {
    return m_impl->repository->ping();
}

const ServiceOptions& TokenService::options() const {
    return m_impl->options;
}

ServiceStats TokenService::stats() const {
    ServiceStats s;
    s.last_used_writes = m_impl->last_used.writes();
    s.auth_failures = m_impl->auth_failures.load();
    s.rate_limited = m_impl->rate_limited_count.load();
    s.rate_limit_entries = m_impl->limiter->size();
    s.grants = m_impl->grants.load();
    s.tokens_created = m_impl->tokens_created.load();
    s.leak_reports_malformed = m_impl->leak_reports_malformed.load();
    s.leak_reports_checked = m_impl->leak_reports_checked.load();
    return s;
}

void TokenService::flush_due() {
    m_impl->last_used.flush_due();
}

void TokenService::flush() {
    m_impl->last_used.flush();
}

std::string_view to_string(GeneratedBy g) {
    switch (g) {
        case GeneratedBy::automatic:
            return "auto";
        case GeneratedBy::oidc:
            return "oidc";
        case GeneratedBy::manual:
            break;
    }
    return "manual";
}

GeneratedBy parse_generated_by(std::string_view text) {
    if (text == "auto") return GeneratedBy::automatic;
    if (text == "oidc") return GeneratedBy::oidc;
    return GeneratedBy::manual;
}

std::string_view to_string(DeviceStatus s) {
    switch (s) {
        case DeviceStatus::pending:
            return "pending";
        case DeviceStatus::approved:
            return "approved";
        case DeviceStatus::denied:
            return "denied";
        case DeviceStatus::issued:
            return "issued";
    }
    return "pending";
}

std::optional<DeviceStatus> device_status_from(std::string_view text) {
    for (const auto s : {DeviceStatus::pending, DeviceStatus::approved, DeviceStatus::denied,
                         DeviceStatus::issued})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

}  // namespace pat::patd
