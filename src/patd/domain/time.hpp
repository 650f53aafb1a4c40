#pragma once
// Time as the token service stores and shows it: UTC, microsecond precision
// (Docker Hub shows "2021-07-20T12:00:00.000000Z").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pat::patd {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// Truncates a clock reading to the stored precision.
Timestamp to_timestamp(std::chrono::system_clock::time_point t);
// Microseconds since the Unix epoch (the database representation).
long long to_micros(Timestamp t);
Timestamp from_micros(long long micros);

// "2021-07-20T12:00:00.000000Z".
std::string format_rfc3339(Timestamp t);
// Accepts RFC 3339 date-times: "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)", 't'/'z'
// in lower case too. Returns nullopt for anything else.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

}  // namespace pat::patd
