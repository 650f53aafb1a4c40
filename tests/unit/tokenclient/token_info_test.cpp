#include "tokenclient/token_info.hpp"

#include <catch2/catch.hpp>

using namespace pat::tokenclient;
using namespace std::chrono_literals;

TEST_CASE("RFC 3339 times parse in the forms services send", "[tokenclient]") {
    const TimePoint t(1'764'456'000s);  // 2025-11-29T22:40:00Z
    CHECK(format_time(t) == "2025-11-29T22:40:00Z");
    CHECK(parse_time("2025-11-29T22:40:00Z") == t);
    CHECK(parse_time("2025-11-29T22:40:00.123456Z") == t);
    CHECK(parse_time("2025-11-29T22:40:00+00:00") == t);
    CHECK(parse_time("2025-11-29t22:40:00z") == t);
    CHECK_FALSE(parse_time("2025-11-29T22:40:00").has_value());
    // Any offset is an instant like any other (the shared RFC 3339 parser).
    CHECK(parse_time("2025-11-29T23:40:00+01:00") == t);
    CHECK_FALSE(parse_time("2025-02-30T00:00:00Z").has_value());
    CHECK_FALSE(parse_time("2025-11-29T24:00:00Z").has_value());
    CHECK_FALSE(parse_time("2025-11-29T22:40:00.Z").has_value());
    CHECK_FALSE(parse_time("").has_value());
    CHECK_FALSE(parse_time("2025-11-29").has_value());
}

TEST_CASE("Revoked states and expiry", "[tokenclient]") {
    CHECK_FALSE(is_revoked(TokenState::unknown));
    CHECK_FALSE(is_revoked(TokenState::active));
    CHECK(is_revoked(TokenState::inactive));
    CHECK(is_revoked(TokenState::expired));
    CHECK(is_revoked(TokenState::deleted));
    CHECK(is_revoked(TokenState::invalid));
    TokenInfo info;
    CHECK_FALSE(is_past_expiry(info, TimePoint(5s)));
    info.expires_at = TimePoint(10s);
    CHECK_FALSE(is_past_expiry(info, TimePoint(9s)));
    CHECK(is_past_expiry(info, TimePoint(10s)));
}
