#pragma once
// Plain-text tables for the commands' default output: one header line,
// columns padded to the widest cell with two spaces between them, no
// trailing blanks. Pure; --format json bypasses it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pat::helper::cmd {

using TableRow = std::vector<std::string>;

// Rows shorter than the header are padded with empty cells; cells are
// measured in UTF-8 code points so labels with accents stay aligned. Cells
// pass through terminal_safe (common/terminal_text.hpp): a label or key
// with ESC, CR or a bidi override shows them escaped.
std::string format_table(const TableRow& header, const std::vector<TableRow>& rows);

// "2026-11-29 22:40" (UTC, minutes) for tables, or `none` when absent.
std::string short_time(const std::optional<std::chrono::system_clock::time_point>& t,
                       std::string_view none = "never");

}  // namespace pat::helper::cmd
