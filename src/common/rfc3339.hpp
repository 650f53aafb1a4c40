#pragma once
// RFC 3339 date-times, shared by the helper (token metadata, patd replies)
// and patd (its API): one parser and one formatter for both programs.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pat {

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)", 't'/'z' in lower case too,
// and returns the UTC instant at microsecond precision (finer fractions are
// cut). Returns nullopt for anything else.
std::optional<std::chrono::sys_time<std::chrono::microseconds>> parse_rfc3339(
    std::string_view text);

// How many fraction digits format_rfc3339 writes: patd shows microseconds
// as Docker Hub does ("2021-07-20T12:00:00.000000Z"); the helper's metadata
// and tables show whole seconds ("2021-07-20T12:00:00Z").
enum class Rfc3339Fraction { none, micros };

// `t` in UTC with a 'Z'; with Rfc3339Fraction::none the fraction is cut, not
// rounded, so a time never shows later than it is.
std::string format_rfc3339(std::chrono::sys_time<std::chrono::microseconds> t,
                           Rfc3339Fraction fraction = Rfc3339Fraction::micros);

}  // namespace pat
