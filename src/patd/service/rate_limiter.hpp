#pragma once
// Failed-authentication counters per client IP and per account, with a ban
// window (registry-token-auth.md §5.5). Only failures are counted, so callers
// that authenticate correctly are never slowed down; once a key reached
// `max_failures` within `window`, every request for it is refused for `ban`.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.hpp"

namespace pat::patd {

struct RateLimitOptions {
    int max_failures = 10;             // failures allowed within `window`
    std::chrono::seconds window{300};  // counting window
    std::chrono::seconds ban{300};     // 429 for this long once exceeded
};

class RateLimiter {
  public:
    RateLimiter(RateLimitOptions options, const Clock& clock);

    // nullopt when a request from `ip` for `account` may proceed; otherwise
    // the seconds until the ban ends (>= 1). Empty ip/account are not checked.
    std::optional<std::chrono::seconds> check(std::string_view ip, std::string_view account);
    // Counts one failed authentication against both keys.
    void record_failure(std::string_view ip, std::string_view account);

  private:
    struct Entry {
        std::chrono::system_clock::time_point window_start;
        int failures = 0;
        std::chrono::system_clock::time_point banned_until;
    };
    void count(const std::string& key, std::chrono::system_clock::time_point now);
    std::optional<std::chrono::seconds> banned(const std::string& key,
                                               std::chrono::system_clock::time_point now) const;
    // Drops entries that no longer matter, so random usernames cannot grow
    // the map without bound.
    void prune(std::chrono::system_clock::time_point now);

    RateLimitOptions m_options;
    const Clock& m_clock;
    std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
};

}  // namespace pat::patd
