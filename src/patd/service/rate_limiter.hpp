#pragma once
// Limits on password and 2FA guessing (docs/patd-core.md, "Rate limiting").
//
// Only wrong passwords and wrong 2FA codes are counted. A PAT cannot be
// guessed (178 random bits behind a checksum), so PAT requests are never
// counted and never refused here: otherwise anyone who knows a username,
// which is public as the registry namespace, could lock its owner out.
//
// Failures are counted per (account, source) and per source over all
// accounts, where a source is one IPv4 address or one IPv6 /64 (see
// source_key). Past the free failures, each further failure makes the next
// attempt from that key wait, twice as long each time up to `max_delay`;
// while it waits, every attempt from that key is refused (even the right
// password), so guessing stays slow, but the owner signing in from anywhere
// else is not affected. Correct passwords are budgeted per account, since
// each costs an Argon2id hash.
//
// An interface so that the counters can live in a database shared by
// several patd instances; make_memory_rate_limiter keeps them per process.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "common/clock.hpp"

namespace pat::patd {

struct RateLimitOptions {
    // Wrong passwords or 2FA codes for one account from one source before
    // attempts have to wait (--auth-fail-limit).
    int free_failures = 10;
    // One source over all accounts (password spraying) gets this many times
    // free_failures.
    int source_factor = 10;
    // The first wait, doubled by each further failure up to max_delay
    // (--auth-max-delay).
    std::chrono::seconds first_delay{1};
    std::chrono::seconds max_delay{300};
    // A counter without a failure for this long starts again from zero.
    std::chrono::seconds forget_after{3600};
    // Correct passwords per account per minute (/token and login together;
    // --password-logins-per-minute). PATs have no such limit.
    int password_logins_per_minute = 30;
    // Counters kept at most; the least recently used are dropped first.
    std::size_t max_entries = 65536;
};

class RateLimiter {
  public:
    virtual ~RateLimiter() = default;

    // nullopt when a password or 2FA attempt for `account` ("" = none known
    // yet) from `source` may go ahead; otherwise how long it must wait
    // (>= 1 s). `account` must already satisfy the username rules, so what
    // a client sends cannot grow the counters.
    virtual std::optional<std::chrono::seconds> hold_off(std::string_view account,
                                                         std::string_view source) = 0;
    // A wrong password or 2FA code.
    virtual void record_failure(std::string_view account, std::string_view source) = 0;
    // A correct password: clears (account, source) and uses one of the
    // account's password logins.
    virtual void record_success(std::string_view account, std::string_view source) = 0;
    // nullopt while `account` has password logins left; otherwise how long
    // until it has one again.
    virtual std::optional<std::chrono::seconds> password_budget(std::string_view account) = 0;
    // Counters held (for tests and /metrics).
    virtual std::size_t size() const = 0;
};

// Counters in this process's memory, keyed by a keyed 64-bit hash (SipHash)
// of account and source, at most options.max_entries of them.
std::unique_ptr<RateLimiter> make_memory_rate_limiter(const RateLimitOptions& options,
                                                      const Clock& clock);

}  // namespace pat::patd
