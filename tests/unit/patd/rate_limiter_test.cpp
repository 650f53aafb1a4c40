#include "patd/service/rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace pat::patd;
using std::chrono::seconds;

TEST_CASE("failures within the window ban the IP and the account", "[ratelimit]") {
    pat::ManualClock clock;
    RateLimiter rl(RateLimitOptions{3, seconds(60), seconds(300)}, clock);
    CHECK_FALSE(rl.check("1.1.1.1", "alice"));
    rl.record_failure("1.1.1.1", "alice");
    rl.record_failure("1.1.1.1", "alice");
    CHECK_FALSE(rl.check("1.1.1.1", "alice"));
    rl.record_failure("1.1.1.1", "alice");
    CHECK(rl.check("1.1.1.1", "alice") == seconds(300));
    CHECK(rl.check("1.1.1.1", "") == seconds(300));       // the IP
    CHECK(rl.check("2.2.2.2", "alice") == seconds(300));  // the account
    CHECK_FALSE(rl.check("2.2.2.2", "bob"));
    clock.advance(seconds(299) + std::chrono::milliseconds(500));
    CHECK(rl.check("1.1.1.1", "") == seconds(1));
    clock.advance(seconds(1));
    CHECK_FALSE(rl.check("1.1.1.1", "alice"));
}

TEST_CASE("failures spread beyond the window do not ban", "[ratelimit]") {
    pat::ManualClock clock;
    RateLimiter rl(RateLimitOptions{3, seconds(60), seconds(300)}, clock);
    for (int i = 0; i < 10; ++i) {
        rl.record_failure("1.1.1.1", "alice");
        rl.record_failure("1.1.1.1", "alice");
        clock.advance(seconds(61));
    }
    CHECK_FALSE(rl.check("1.1.1.1", "alice"));
}

TEST_CASE("empty keys are never counted", "[ratelimit]") {
    pat::ManualClock clock;
    RateLimiter rl(RateLimitOptions{1, seconds(60), seconds(60)}, clock);
    rl.record_failure("", "");
    CHECK_FALSE(rl.check("", ""));
    rl.record_failure("", "alice");
    CHECK(rl.check("9.9.9.9", "alice"));
    CHECK_FALSE(rl.check("9.9.9.9", ""));
}
