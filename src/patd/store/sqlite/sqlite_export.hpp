#pragma once
// Reading patd's SQLite tables cell by cell, for table_copy.hpp.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "patd/store/table_rows.hpp"

namespace pat::patd::sqlite {

class TableExport {
  public:
    // Opens the database at `path` and brings it to this patd's schema
    // (migrations). Throws std::runtime_error with a message on failure.
    explicit TableExport(const std::string& path);
    ~TableExport();
    TableExport(const TableExport&) = delete;
    TableExport& operator=(const TableExport&) = delete;

    // patd's tables in this database (not schema_version, not sqlite_*).
    std::vector<std::string> tables();
    std::vector<std::string> columns(const std::string& table);
    std::int64_t count(const std::string& table);
    // Calls `row` for each row, columns in the order of columns(table), all
    // in one read transaction so the copy is one snapshot.
    void each_row(const std::string& table, const std::function<void(const TableRow&)>& row);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace pat::patd::sqlite
