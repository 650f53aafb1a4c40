#include "patd/domain/time.hpp"

#include <catch2/catch.hpp>

using namespace pat::patd;
using std::chrono::microseconds;
using std::chrono::seconds;

TEST_CASE("RFC 3339 formatting uses UTC and microseconds", "[time]") {
    CHECK(format_rfc3339(from_micros(0)) == "1970-01-01T00:00:00.000000Z");
    CHECK(format_rfc3339(from_micros(1626782400000001)) == "2021-07-20T12:00:00.000001Z");
}

TEST_CASE("RFC 3339 parsing accepts offsets and fractions", "[time]") {
    const auto base = *parse_rfc3339("2021-07-20T12:00:00Z");
    CHECK(to_micros(base) == 1626782400000000);
    CHECK(parse_rfc3339("2021-07-20T12:00:00.5Z") == base + microseconds(500000));
    CHECK(parse_rfc3339("2021-07-20T12:00:00.1234567Z") == base + microseconds(123456));
    CHECK(parse_rfc3339("2021-07-20T14:00:00+02:00") == base);
    CHECK(parse_rfc3339("2021-07-20t11:30:00-00:30") == base);
    CHECK(parse_rfc3339(format_rfc3339(base + seconds(7))) == base + seconds(7));
}

TEST_CASE("RFC 3339 parsing rejects everything else", "[time]") {
    for (const char* bad :
         {"", "2021-07-20", "2021-07-20T12:00:00", "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z",
          "2021-07-20T24:00:00Z", "2021-07-20T12:00:00.Z", "2021-07-20T12:00:00Zjunk",
          "2021-07-20 12:00:00Z", "2021-07-20T12:00:00+0200", "tomorrow"})
        CHECK_FALSE(parse_rfc3339(bad));
}
