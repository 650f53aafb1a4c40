#include "patd/oidc/key_cache.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pat::patd::oidc {
namespace {

using nlohmann::json;

const PublicKey* find_kid(const std::vector<PublicKey>& keys, const std::string& kid) {
    for (const auto& k : keys)
        if (k.kid == kid) return &k;
    return nullptr;
}

}  // namespace

KeyCache::KeyCache(std::shared_ptr<Fetcher> fetcher, KeyCacheOptions options, const Clock& clock)
    : m_fetcher(std::move(fetcher)), m_options(options), m_clock(clock) {}

std::shared_ptr<KeyCache::Entry> KeyCache::entry(const std::string& issuer) {
    std::lock_guard lock(m_mutex);
    auto& e = m_entries[issuer];
    if (!e) e = std::make_shared<Entry>();
    return e;
}

void KeyCache::forget(const std::string& issuer) {
    std::lock_guard lock(m_mutex);
    m_entries.erase(issuer);
}

std::uint64_t KeyCache::fetches() const {
    std::lock_guard lock(m_mutex);
    return m_fetches;
}

Result<void, std::string> KeyCache::refresh(const std::string& issuer, Entry& e) {
    const auto count = [this] {
        std::lock_guard lock(m_mutex);
        ++m_fetches;
    };
    const auto started = std::chrono::steady_clock::now();
    std::string base = issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    count();
    auto discovery = m_fetcher->get(base + "/.well-known/openid-configuration", m_options.limits);
    if (!discovery) return fail("discovery document: " + discovery.error());
    if (discovery->status != 200)
        return fail("discovery document: HTTP " + std::to_string(discovery->status));
    const auto doc = json::parse(discovery->body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(std::string("discovery document is not a JSON object"));
    const auto iss = doc.find("issuer");
    if (iss == doc.end() || !iss->is_string() || iss->get<std::string>() != issuer)
        return fail(std::string("discovery document names another issuer"));
    const auto uri = doc.find("jwks_uri");
    if (uri == doc.end() || !uri->is_string())
        return fail(std::string("discovery document has no jwks_uri"));
    const std::string jwks_uri = uri->get<std::string>();
    if (auto bad = check_fetch_url(jwks_uri)) return fail("jwks_uri " + *bad);
    // Both requests share one deadline.
    FetchLimits limits = m_options.limits;
    limits.deadline -= std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (limits.deadline.count() <= 0) return fail(url_origin_of(jwks_uri) + ": no answer in time");
    count();
    auto jwks = m_fetcher->get(jwks_uri, limits);
    if (!jwks) return fail("JWKS: " + jwks.error());
    if (jwks->status != 200) return fail("JWKS: HTTP " + std::to_string(jwks->status));
    auto keys = parse_jwks(jwks->body, m_options.jwks);
    if (!keys) return fail(keys.error());
    const auto ttl = std::clamp(jwks->max_age.value_or(m_options.default_ttl), m_options.min_ttl,
                                m_options.max_ttl);
    const auto now = m_clock.now();
    e.keys = std::move(*keys);
    e.have_keys = true;
    e.fetched_at = now;
    e.expires_at = now + ttl;
    return {};
}

Result<PublicKey, KeyLookupError> KeyCache::find(const std::string& issuer,
                                                 const std::string& kid) {
    auto e = entry(issuer);
    std::lock_guard lock(e->fetch_mutex);
    const auto now = m_clock.now();
    const bool fresh = e->have_keys && now < e->expires_at;
    if (fresh) {
        if (const auto* k = find_kid(e->keys, kid)) return *k;
        // Unknown kid: maybe the issuer rotated its keys. Refetch, rate limited.
        if (now - e->last_attempt < m_options.refresh_interval)
            return fail(
                KeyLookupError{false, "signing key '" + kid + "' is not in the issuer's JWKS"});
    } else if (e->last_failed && now - e->last_attempt < m_options.failure_backoff) {
        // The issuer failed a moment ago: do not ask again yet.
        if (e->have_keys && now < e->expires_at + m_options.max_stale)
            if (const auto* k = find_kid(e->keys, kid)) return *k;
        return fail(
            KeyLookupError{true, "cannot fetch the issuer's signing keys: " + e->last_error});
    }
    e->last_attempt = now;
    auto refreshed = refresh(issuer, *e);
    e->last_failed = !refreshed;
    if (!refreshed) {
        e->last_error = refreshed.error();
        if (e->have_keys && now < e->expires_at + m_options.max_stale)
            if (const auto* k = find_kid(e->keys, kid)) return *k;
        return fail(
            KeyLookupError{true, "cannot fetch the issuer's signing keys: " + e->last_error});
    }
    if (const auto* k = find_kid(e->keys, kid)) return *k;
    return fail(KeyLookupError{false, "signing key '" + kid + "' is not in the issuer's JWKS"});
}

}  // namespace pat::patd::oidc
