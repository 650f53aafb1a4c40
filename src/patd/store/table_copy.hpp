#pragma once
// Copying patd's tables from one database engine into another, for
// `patd migrate --to postgresql://…` (docs/operations.md "SQLite to
// PostgreSQL"). The cells cross between the engines as plain values, so no
// SQLite or libpq type leaves its own folder.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "patd/store/table_rows.hpp"

namespace pat::patd {

// Every table patd's schema has, parents before children (foreign keys).
// schema_version is not in it: the target's migrations write their own.
// A table missing here fails the migration loudly instead of being skipped.
const std::vector<std::string>& migrated_tables();

// Per table, how many rows were copied (and then counted in the target).
struct CopyCount {
    std::string table;
    std::int64_t rows = 0;
};

// Copies every table of the SQLite database at `sqlite_path` (migrated to
// this patd's schema first) into the empty PostgreSQL database at
// `postgres_url` (migrated the same way), in one PostgreSQL transaction:
// all or nothing. Before committing, the row count of each table in the
// target must equal the source's. Fails with one line (never naming the
// URL's password) and leaves the target as it was.
Result<std::vector<CopyCount>, std::string> copy_sqlite_to_postgres(
    const std::string& sqlite_path, const std::string& postgres_url);

}  // namespace pat::patd
