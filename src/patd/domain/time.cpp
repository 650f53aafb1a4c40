#include "patd/domain/time.hpp"

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
    return pat::format_rfc3339(t, Rfc3339Fraction::micros);
}

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
    return pat::parse_rfc3339(s);
}

}  // namespace pat::patd
