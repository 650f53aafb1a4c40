#pragma once
// Versioned schema migrations for the SQLite store. Migration N moves the
// schema from version N-1 to N; the current version is kept in the one-row
// table schema_version. Migrations run at start in one IMMEDIATE transaction,
// so two processes starting together cannot both apply them.

#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

// The version this build's code expects.
int latest_schema_version();
// Applies every migration newer than the database's version. Throws
// SqliteError on failure, and std::runtime_error when the database was made
// by a newer patd (version above latest_schema_version()).
void migrate(Connection& connection);
// The database's version (0 for an empty database).
int schema_version(Connection& connection);

}  // namespace pat::patd::sqlite
