#include "patd/service/rate_limiter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

using namespace pat::patd;
using std::chrono::seconds;

namespace {
RateLimitOptions small_limits() {
    RateLimitOptions o;
    o.free_failures = 3;
    o.source_factor = 2;
    o.first_delay = seconds(1);
    o.max_delay = seconds(8);
    o.forget_after = seconds(600);
    o.password_logins_per_minute = 3;
    return o;
}
}  // namespace

TEST_CASE("failures past the free ones make that account and source wait, doubling",
          "[ratelimit]") {
    pat::ManualClock clock;
    auto rl = make_memory_rate_limiter(small_limits(), clock);
    for (int i = 0; i < 2; ++i) rl->record_failure("alice", "192.0.2.1");
    CHECK_FALSE(rl->hold_off("alice", "192.0.2.1"));
    rl->record_failure("alice", "192.0.2.1");
    CHECK(rl->hold_off("alice", "192.0.2.1") == seconds(1));
    // Only that pair: the owner elsewhere, and others from there, go ahead.
    CHECK_FALSE(rl->hold_off("alice", "198.51.100.7"));
    CHECK_FALSE(rl->hold_off("bob", "192.0.2.1"));
    for (const auto expected : {seconds(2), seconds(4), seconds(8), seconds(8)}) {
        clock.advance(*rl->hold_off("alice", "192.0.2.1"));
        CHECK_FALSE(rl->hold_off("alice", "192.0.2.1"));
        rl->record_failure("alice", "192.0.2.1");
        CHECK(rl->hold_off("alice", "192.0.2.1") == expected);
    }
}

TEST_CASE("a correct password clears its pair; quiet counters are forgotten", "[ratelimit]") {
    pat::ManualClock clock;
    auto rl = make_memory_rate_limiter(small_limits(), clock);
    for (int i = 0; i < 3; ++i) rl->record_failure("alice", "192.0.2.1");
    REQUIRE(rl->hold_off("alice", "192.0.2.1"));
    clock.advance(seconds(1));
    rl->record_success("alice", "192.0.2.1");
    rl->record_failure("alice", "192.0.2.1");
    CHECK_FALSE(rl->hold_off("alice", "192.0.2.1"));  // counting starts again
    for (int i = 0; i < 3; ++i) rl->record_failure("bob", "192.0.2.2");
    clock.advance(seconds(601));
    rl->record_failure("bob", "192.0.2.2");
    CHECK_FALSE(rl->hold_off("bob", "192.0.2.2"));
}

TEST_CASE("one source guessing over many accounts waits too", "[ratelimit]") {
    pat::ManualClock clock;
    auto rl = make_memory_rate_limiter(small_limits(), clock);
    // free_failures * source_factor = 6 failures, each on another account
    for (int i = 0; i < 6; ++i) rl->record_failure("user" + std::to_string(i), "192.0.2.9");
    CHECK(rl->hold_off("someone-else", "192.0.2.9") == seconds(1));
    CHECK_FALSE(rl->hold_off("someone-else", "192.0.2.10"));
    CHECK_FALSE(rl->hold_off("user0", "192.0.2.10"));
}

TEST_CASE("the counters stay within max_entries, keeping the most recent", "[ratelimit]") {
    pat::ManualClock clock;
    RateLimitOptions o = small_limits();
    o.max_entries = 1000;
    auto rl = make_memory_rate_limiter(o, clock);
    std::size_t most = 0;
    for (int i = 0; i < 50'000; ++i) {
        clock.advance(std::chrono::milliseconds(1));
        rl->record_failure("user" + std::to_string(i), "198.51.100." + std::to_string(i % 200));
        most = std::max(most, rl->size());
    }
    CHECK(most <= 1000);
    for (int i = 0; i < 3; ++i) rl->record_failure("alice", "192.0.2.1");
    for (int i = 0; i < 500; ++i) {  // fewer than max_entries: alice is among the newest
        clock.advance(std::chrono::milliseconds(1));
        rl->record_failure("late" + std::to_string(i), "203.0.113." + std::to_string(i % 200));
    }
    CHECK(rl->size() <= 1000);
    CHECK(rl->hold_off("alice", "192.0.2.1"));
}

TEST_CASE("correct passwords are budgeted per account", "[ratelimit]") {
    pat::ManualClock clock;
    auto rl = make_memory_rate_limiter(small_limits(), clock);
    for (int i = 0; i < 3; ++i) {
        CHECK_FALSE(rl->password_budget("alice"));
        rl->record_success("alice", "192.0.2." + std::to_string(i));
    }
    const auto wait = rl->password_budget("alice");
    REQUIRE(wait);
    CHECK(*wait >= seconds(1));
    CHECK(*wait <= seconds(20));  // 3 a minute: one comes back every 20 s
    CHECK_FALSE(rl->password_budget("bob"));
    clock.advance(*wait);
    CHECK_FALSE(rl->password_budget("alice"));
}

TEST_CASE("a zero budget means no limit", "[ratelimit]") {
    pat::ManualClock clock;
    RateLimitOptions o = small_limits();
    o.password_logins_per_minute = 0;
    auto rl = make_memory_rate_limiter(o, clock);
    for (int i = 0; i < 100; ++i) rl->record_success("alice", "192.0.2.1");
    CHECK_FALSE(rl->password_budget("alice"));
}
