#include "helper/commands/table.hpp"

#include <algorithm>

#include "common/terminal_text.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper::cmd {
namespace {

std::size_t display_width(const std::string& s) {
    // Count UTF-8 lead bytes (not continuation bytes 10xxxxxx).
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

void append_row(std::string& out, const TableRow& row, const std::vector<std::size_t>& widths) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string cell = i < row.size() ? row[i] : std::string();
        line += cell;
        if (i + 1 < widths.size()) line.append(widths[i] - display_width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
}

}  // namespace

std::string format_table(const TableRow& header, const std::vector<TableRow>& rows_in) {
    // Cells hold keys, labels and service replies: shown with their
    // terminal controls made visible (and measured that way).
    std::vector<TableRow> rows;
    rows.reserve(rows_in.size());
    for (const auto& row : rows_in) {
        TableRow safe;
        safe.reserve(row.size());
        for (const auto& cell : row) safe.push_back(terminal_safe(cell));
        rows.push_back(std::move(safe));
    }
    std::vector<std::size_t> widths(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) widths[i] = display_width(header[i]);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    std::string out;
    append_row(out, header, widths);
    for (const auto& row : rows) append_row(out, row, widths);
    return out;
}

std::string short_time(const std::optional<std::chrono::system_clock::time_point>& t,
                       std::string_view none) {
    if (!t) return std::string(none);
    // "2026-11-29T22:40:00Z" -> "2026-11-29 22:40"
    std::string s = tokenclient::format_time(*t);
    if (s.size() >= 16) {
        s[10] = ' ';
        s.resize(16);
    }
    return s;
}

}  // namespace pat::helper::cmd
