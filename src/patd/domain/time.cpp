#include "patd/domain/time.hpp"

#include <cstdio>

#include "common/rfc3339.hpp"

namespace pat::patd {

using std::chrono::microseconds;

Timestamp to_timestamp(std::chrono::system_clock::time_point t) {
    return std::chrono::floor<microseconds>(t);
}

long long to_micros(Timestamp t) {
    return t.time_since_epoch().count();
}

Timestamp from_micros(long long micros) {
    return Timestamp(microseconds(micros));
}

std::string format_rfc3339(Timestamp t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(t - day);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  static_cast<long long>(hms.subseconds().count()));
    return buf;
}

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
    return pat::parse_rfc3339(s);
}

}  // namespace pat::patd
