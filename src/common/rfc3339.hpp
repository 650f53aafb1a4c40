#pragma once
// RFC 3339 date-times, shared by the helper (token metadata, patd replies)
// and patd (its API): one parser for both programs.

#include <chrono>
#include <optional>
#include <string_view>

namespace pat {

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)", 't'/'z' in lower case too,
// and returns the UTC instant at microsecond precision (finer fractions are
// cut). Returns nullopt for anything else.
std::optional<std::chrono::sys_time<std::chrono::microseconds>> parse_rfc3339(
    std::string_view text);

}  // namespace pat
