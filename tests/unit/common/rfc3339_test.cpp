#include "common/rfc3339.hpp"

#include <catch2/catch.hpp>

using namespace pat;
using namespace std::chrono;

TEST_CASE("format_rfc3339 writes UTC with microseconds or whole seconds", "[common]") {
    const auto t =
        sys_days(year(2021) / 7 / 20) + hours(12) + minutes(3) + seconds(4) + microseconds(5);
    CHECK(format_rfc3339(t) == "2021-07-20T12:03:04.000005Z");
    CHECK(format_rfc3339(t, Rfc3339Fraction::none) == "2021-07-20T12:03:04Z");
    // cut, never rounded up
    CHECK(format_rfc3339(t + microseconds(999'990), Rfc3339Fraction::none) ==
          "2021-07-20T12:03:04Z");
    CHECK(format_rfc3339(sys_time<microseconds>()) == "1970-01-01T00:00:00.000000Z");
}

TEST_CASE("format_rfc3339 and parse_rfc3339 round-trip", "[common]") {
    const auto t = sys_days(year(2026) / 12 / 31) + hours(23) + minutes(59) + seconds(59) +
                   microseconds(123456);
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
    CHECK(parse_rfc3339(format_rfc3339(t, Rfc3339Fraction::none)) == floor<seconds>(t));
}
