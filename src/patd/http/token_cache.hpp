#pragma once
// Reuses a freshly signed registry token for an identical grant. Clients
// (and go-containerregistry tools in particular) fetch a token for the same
// repository over and over; every /token request is still authenticated by
// the service, only the ECDSA signature - the largest cost of the endpoint -
// is shared. A token is reused for at most `window` seconds after it was
// issued and never past its own exp, so each reply carries an
// `issued_at`/`expires_in` pair that matches the token's own iat/exp. A grant
// for a PAT that expires has that expiry in its key: its token is capped at
// it and never shared with a grant for a longer-lived credential.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "patd/domain/types.hpp"

namespace pat::http {

class RegistryTokenCache {
  public:
    // `window` seconds of reuse; 0 disables the cache. `max_entries` bounds
    // memory (the map is cleared when full: simple, and refilled at once).
    explicit RegistryTokenCache(std::int64_t window, std::size_t max_entries = 4096)
        : m_window(window), m_max_entries(max_entries) {}

    struct Entry {
        std::string jwt;
        std::int64_t issued_at = 0;   // unix seconds, the token's iat
        std::int64_t expires_at = 0;  // unix seconds, the token's exp
    };

    // The cache key of a grant: subject and every access item.
    static std::string key(const patd::Grant& grant);

    // A token for `key` issued within the window before `now` and not
    // expired at `now`, if any.
    std::optional<Entry> find(const std::string& key, std::int64_t now) const;
    void store(const std::string& key, Entry entry);

  private:
    std::int64_t m_window;
    std::size_t m_max_entries;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
};

}  // namespace pat::http
