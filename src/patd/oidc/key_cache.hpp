#pragma once
// The signing keys of trusted issuers, fetched on demand and kept in memory:
// GET <issuer>/.well-known/openid-configuration (its "issuer" must be the
// issuer URL exactly, its "jwks_uri" a URL check_fetch_url accepts), then
// GET jwks_uri. Bounded in size (FetchLimits, JwksLimits) and time:
//  - a key set is kept for the JWKS reply's max-age, clamped to
//    [min_ttl, max_ttl] (default_ttl without one);
//  - a kid not in the set triggers one refetch (a rotated key), at most one
//    per `refresh_interval` per issuer, so tokens with made-up kids cannot
//    turn patd into a flood against the issuer;
//  - after a failed fetch the issuer is not asked again for
//    `failure_backoff`; meanwhile (and up to `max_stale` past expiry) the
//    last good set keeps working, else the lookup fails as `unavailable`.
// Fetches of one issuer are serialised; different issuers do not wait for
// each other. Thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "patd/oidc/fetcher.hpp"
#include "patd/oidc/jwk.hpp"

namespace pat::patd::oidc {

struct KeyCacheOptions {
    FetchLimits limits;
    JwksLimits jwks;
    std::chrono::seconds min_ttl{300};
    std::chrono::seconds default_ttl{3600};
    std::chrono::seconds max_ttl{86400};
    std::chrono::seconds refresh_interval{30};
    std::chrono::seconds failure_backoff{10};
    std::chrono::seconds max_stale{86400};
};

struct KeyLookupError {
    // true: the issuer's keys could not be had (503); false: the set was
    // fetched and has no such kid (a refusal of the token).
    bool unavailable = false;
    std::string message;
};

class KeyCache {
  public:
    KeyCache(std::shared_ptr<Fetcher> fetcher, KeyCacheOptions options, const Clock& clock);

    // The key `kid` of `issuer` (an issuer URL as stored).
    Result<PublicKey, KeyLookupError> find(const std::string& issuer, const std::string& kid);
    // Drops what is cached for `issuer` (it was removed or changed).
    void forget(const std::string& issuer);
    // Fetches made so far (discovery and JWKS requests), for tests and metrics.
    std::uint64_t fetches() const;

  private:
    struct Entry {
        std::mutex fetch_mutex;  // one fetch per issuer at a time
        std::vector<PublicKey> keys;
        bool have_keys = false;
        std::chrono::system_clock::time_point fetched_at{};
        std::chrono::system_clock::time_point expires_at{};
        std::chrono::system_clock::time_point last_attempt{};
        bool last_failed = false;
        std::string last_error;
    };
    std::shared_ptr<Entry> entry(const std::string& issuer);
    // Refetches discovery + JWKS into `e` (caller holds e.fetch_mutex).
    Result<void, std::string> refresh(const std::string& issuer, Entry& e);

    std::shared_ptr<Fetcher> m_fetcher;
    KeyCacheOptions m_options;
    const Clock& m_clock;
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<Entry>> m_entries;
    std::uint64_t m_fetches = 0;
};

}  // namespace pat::patd::oidc
