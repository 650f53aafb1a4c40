#pragma once
// The rows that cross between the database engines when patd's tables are
// copied (table_copy.hpp): plain values, so no SQLite or libpq type leaves
// its own folder.

#include <cstdint>
#include <string>
#include <vector>

namespace pat::patd {

// One cell as SQLite stores it (the four storage classes patd uses).
struct Cell {
    enum class Kind { null, integer, text, blob };
    Kind kind = Kind::null;
    std::int64_t integer = 0;
    std::string bytes;  // text or blob
};
using TableRow = std::vector<Cell>;

}  // namespace pat::patd
