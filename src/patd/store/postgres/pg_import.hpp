#pragma once
// Writing patd's tables into an empty PostgreSQL database row by row, for
// table_copy.hpp; one transaction from construction to commit().

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "patd/store/table_rows.hpp"

namespace pat::patd::pg {

class TableImport {
  public:
    // Connects, migrates to this patd's schema, begins the transaction and
    // checks that every table in `tables` is empty. Throws
    // std::runtime_error with a message (libpq's names host and database,
    // never the password).
    TableImport(const std::string& url, const std::vector<std::string>& tables);
    ~TableImport();
    TableImport(const TableImport&) = delete;
    TableImport& operator=(const TableImport&) = delete;

    // Whether the target has `table` (its schema is this patd's).
    bool has_table(const std::string& table);
    void insert(const std::string& table, const std::vector<std::string>& columns,
                const TableRow& row);
    std::int64_t count(const std::string& table);
    // Moves each id sequence past the copied ids, then commits.
    void commit(const std::vector<std::string>& tables);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace pat::patd::pg
