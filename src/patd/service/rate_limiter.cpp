#include "patd/service/rate_limiter.hpp"

#include <algorithm>

namespace pat::patd {

namespace {
constexpr std::size_t k_prune_above = 50'000;

std::string ip_key(std::string_view ip) {
    return "ip\x1f" + std::string(ip);
}
std::string account_key(std::string_view a) {
    return "account\x1f" + std::string(a);
}
}  // namespace

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : m_options(options), m_clock(clock) {}

std::optional<std::chrono::seconds> RateLimiter::banned(
    const std::string& key, std::chrono::system_clock::time_point now) const {
    const auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second.banned_until <= now) return std::nullopt;
    const auto left = std::chrono::ceil<std::chrono::seconds>(it->second.banned_until - now);
    return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> RateLimiter::check(std::string_view ip,
                                                       std::string_view account) {
    const auto now = m_clock.now();
    std::lock_guard lock(m_mutex);
    std::optional<std::chrono::seconds> result;
    if (!ip.empty()) result = banned(ip_key(ip), now);
    if (!account.empty()) {
        const auto a = banned(account_key(account), now);
        if (a && (!result || *a > *result)) result = a;
    }
    return result;
}

void RateLimiter::count(const std::string& key, std::chrono::system_clock::time_point now) {
    Entry& e = m_entries[key];
    if (e.failures == 0 || now - e.window_start >= m_options.window) {
        e.window_start = now;
        e.failures = 0;
    }
    if (++e.failures >= m_options.max_failures) {
        e.banned_until = now + m_options.ban;
        e.failures = 0;
    }
}

void RateLimiter::record_failure(std::string_view ip, std::string_view account) {
    const auto now = m_clock.now();
    std::lock_guard lock(m_mutex);
    if (m_entries.size() > k_prune_above) prune(now);
    if (!ip.empty()) count(ip_key(ip), now);
    if (!account.empty()) count(account_key(account), now);
}

void RateLimiter::prune(std::chrono::system_clock::time_point now) {
    std::erase_if(m_entries, [&](const auto& item) {
        const Entry& e = item.second;
        return e.banned_until <= now && now - e.window_start >= m_options.window;
    });
}

}  // namespace pat::patd
