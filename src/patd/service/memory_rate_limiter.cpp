// RateLimiter in process memory: one table of counters keyed by a keyed
// 64-bit hash, so a key costs the same whatever a client sent, and the hash
// key is random per process, so nobody can aim collisions at a counter.
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "patd/service/rate_limiter.hpp"

namespace pat::patd {

namespace {
using Clock = std::chrono::system_clock;
using std::chrono::seconds;

enum class Kind : char { pair = 'p', source = 's', budget = 'b' };

seconds at_least_one_second(Clock::duration d) {
    return std::max(std::chrono::ceil<seconds>(d), seconds(1));
}

class MemoryRateLimiter final : public RateLimiter {
  public:
    MemoryRateLimiter(const RateLimitOptions& options, const pat::Clock& clock)
        : m_options(options), m_clock(clock) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        randombytes_buf(m_hash_key, sizeof m_hash_key);
        m_options.free_failures = std::max(1, m_options.free_failures);
        m_options.source_factor = std::max(1, m_options.source_factor);
        m_options.max_entries = std::max<std::size_t>(16, m_options.max_entries);
    }

    std::optional<seconds> hold_off(std::string_view account, std::string_view source) override {
        const auto now = m_clock.now();
        std::lock_guard lock(m_mutex);
        Clock::time_point until = now;
        if (!account.empty())
            if (const Entry* e = find(key(Kind::pair, account, source)))
                until = std::max(until, e->held_until);
        if (!source.empty())
            if (const Entry* e = find(key(Kind::source, "", source)))
                until = std::max(until, e->held_until);
        if (until <= now) return std::nullopt;
        return at_least_one_second(until - now);
    }

    void record_failure(std::string_view account, std::string_view source) override {
        const auto now = m_clock.now();
        std::lock_guard lock(m_mutex);
        if (!account.empty()) count(key(Kind::pair, account, source), m_options.free_failures, now);
        if (!source.empty())
            count(key(Kind::source, "", source), m_options.free_failures * m_options.source_factor,
                  now);
    }

    void record_success(std::string_view account, std::string_view source) override {
        const auto now = m_clock.now();
        std::lock_guard lock(m_mutex);
        m_entries.erase(key(Kind::pair, account, source));
        if (m_options.password_logins_per_minute <= 0) return;
        Entry& e = touch(key(Kind::budget, account, ""), now);
        e.budget = true;
        leak(e, now);
        e.used += 1.0;
    }

    std::optional<seconds> password_budget(std::string_view account) override {
        const int capacity = m_options.password_logins_per_minute;
        if (capacity <= 0) return std::nullopt;
        const auto now = m_clock.now();
        std::lock_guard lock(m_mutex);
        Entry* e = find(key(Kind::budget, account, ""));
        if (!e) return std::nullopt;
        leak(*e, now);
        const double over = e->used + 1.0 - capacity;
        if (over <= 0) return std::nullopt;
        return at_least_one_second(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(over * 60.0 / capacity)));
    }

    std::size_t size() const override {
        std::lock_guard lock(m_mutex);
        return m_entries.size();
    }

  private:
    struct Entry {
        Clock::time_point last;        // last failure, or last budget update
        Clock::time_point held_until;  // attempts wait until then
        int failures = 0;
        bool budget = false;  // a password-login budget, not a failure counter
        double used = 0;      // budget: logins in the bucket, leaking at the per-minute rate
    };

    std::uint64_t key(Kind kind, std::string_view account, std::string_view source) const {
        std::string input;
        input.reserve(2 + account.size() + source.size());
        input.push_back(static_cast<char>(kind));
        input.append(account).push_back('\x1f');
        input.append(source);
        unsigned char out[crypto_shorthash_BYTES];
        crypto_shorthash(out, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                         m_hash_key);
        std::uint64_t k = 0;
        for (const unsigned char b : out) k = (k << 8) | b;
        return k;
    }

    Entry* find(std::uint64_t k) {
        const auto it = m_entries.find(k);
        return it == m_entries.end() ? nullptr : &it->second;
    }

    Entry& touch(std::uint64_t k, Clock::time_point now) {
        if (const auto it = m_entries.find(k); it != m_entries.end()) return it->second;
        if (m_entries.size() >= m_options.max_entries) make_room(now);
        Entry& e = m_entries[k];
        e.last = now;
        return e;
    }

    void count(std::uint64_t k, int free_failures, Clock::time_point now) {
        Entry& e = touch(k, now);
        if (e.held_until <= now && now - e.last >= m_options.forget_after) e.failures = 0;
        ++e.failures;
        e.last = now;
        if (e.failures < free_failures) return;
        const int doublings = std::min(e.failures - free_failures, 30);
        const auto delay = std::min<seconds>(m_options.first_delay * (std::int64_t{1} << doublings),
                                             m_options.max_delay);
        e.held_until = now + delay;
    }

    void leak(Entry& e, Clock::time_point now) const {
        const double elapsed = std::chrono::duration<double>(now - e.last).count();
        if (elapsed > 0) {
            e.used = std::max(0.0, e.used - elapsed * m_options.password_logins_per_minute / 60.0);
            e.last = now;
        }
    }

    bool forgettable(const Entry& e, Clock::time_point now) const {
        if (e.budget) return now - e.last >= seconds(60);  // a full bucket drains in a minute
        return e.held_until <= now && now - e.last >= m_options.forget_after;
    }

    // Drops what no longer matters; when that is not enough, the least
    // recently used eighth. Runs once per max_entries / 8 new keys at most.
    void make_room(Clock::time_point now) {
        std::erase_if(m_entries, [&](const auto& item) { return forgettable(item.second, now); });
        if (m_entries.size() < m_options.max_entries) return;
        std::vector<std::pair<Clock::time_point, std::uint64_t>> by_age;
        by_age.reserve(m_entries.size());
        for (const auto& [k, e] : m_entries) by_age.emplace_back(std::max(e.last, e.held_until), k);
        const auto drop = std::max<std::size_t>(1, m_entries.size() / 8);
        std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop) - 1,
                         by_age.end());
        for (std::size_t i = 0; i < drop; ++i) m_entries.erase(by_age[i].second);
    }

    RateLimitOptions m_options;
    const pat::Clock& m_clock;
    unsigned char m_hash_key[crypto_shorthash_KEYBYTES] = {};
    mutable std::mutex m_mutex;
    std::unordered_map<std::uint64_t, Entry> m_entries;
};
}  // namespace

std::unique_ptr<RateLimiter> make_memory_rate_limiter(const RateLimitOptions& options,
                                                      const pat::Clock& clock) {
    return std::make_unique<MemoryRateLimiter>(options, clock);
}

}  // namespace pat::patd
