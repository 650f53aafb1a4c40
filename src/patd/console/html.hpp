#pragma once
// Server-side HTML: escaping, a small template language for the pages under
// assets/, and the relative times of the token table.
//
// Templates: `{{name}}` inserts a value HTML-escaped (safe in text and in
// quoted attribute values); `{{{name}}}` inserts a value as it is, for HTML
// this code built itself from escaped parts. A name the caller did not give
// is a programming error (std::logic_error), caught by the route tests.

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace pat::console {

// & < > " ' escaped (also for attribute values in double or single quotes).
std::string escape(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

using Vars = std::map<std::string, std::string, std::less<>>;

// Renders `source` with `vars`.
std::string render(std::string_view source, const Vars& vars);
// Renders the embedded template `asset` (throws std::logic_error if absent).
std::string render_asset(std::string_view asset, const Vars& vars);

// "just now", "3 minutes ago", "2 hours ago", "5 days ago", "in 3 days"…
std::string relative_time(std::chrono::system_clock::time_point t,
                          std::chrono::system_clock::time_point now);
// "2025-01-31 14:05 UTC" (for title attributes and dates).
std::string exact_time(std::chrono::system_clock::time_point t);
// "2025-01-31".
std::string day_of(std::chrono::system_clock::time_point t);

}  // namespace pat::console
