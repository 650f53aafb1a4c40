#pragma once
// Versioned schema migrations for the SQLite store. Migration N moves the
// schema from version N-1 to N; the current version is kept in the one-row
// table schema_version. Migrations run at start in one IMMEDIATE transaction,
// so two processes starting together cannot both apply them.

#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

// The version this build's code expects.
int latest_schema_version();
// Checks the file (PRAGMA quick_check), then applies every migration newer
// than the database's version. Throws SqliteError on failure, and
// std::runtime_error, changing nothing, when the database is corrupt, has
// patd's tables without a readable version (migrating it again would only
// fail, or worse), or was made by a newer patd.
void migrate(Connection& connection);
// The database's version (0 for an empty database or an unreadable version).
int schema_version(Connection& connection);

}  // namespace pat::patd::sqlite
