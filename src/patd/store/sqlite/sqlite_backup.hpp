#pragma once
// Online backup and restore of an SQLite patd database with SQLite's backup
// API (docs/operations.md "Backup and restore"). A backup is one
// self-contained database file (rollback journal, no WAL beside it), taken
// from a consistent snapshot while patd keeps serving. It holds the token
// digests, never the pepper they are keyed with: that file stays in the
// data dir and is backed up on its own.

#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace pat::patd::sqlite {

// What a backup holds, to print and to check a restore by.
struct BackupSummary {
    int schema_version = 0;
    std::int64_t accounts = 0;
    std::int64_t tokens = 0;
};

// Copies the database at `source` into the new file `dest` (mode 0600,
// never overwritten), then checks the copy (PRAGMA integrity_check).
// Fails with one line, and no file left behind, when `source` is missing
// or is not a patd database, `dest` exists, or the copy does not finish
// within `deadline_ms` (writers that never let go).
Result<BackupSummary, std::string> backup_database(const std::string& source,
                                                   const std::string& dest, int deadline_ms);

// Reads what the backup at `path` holds after checking it: a readable
// SQLite file that passes integrity_check and has patd's schema, not newer
// than this build's.
Result<BackupSummary, std::string> inspect_backup(const std::string& path);

// Replaces the database at `target` (created if missing) by the backup at
// `source`, checked first with inspect_backup. Without `force`, a target
// that holds accounts is refused, unchanged. The target ends in WAL mode,
// as patd runs it; migrations run when patd next opens it.
Result<BackupSummary, std::string> restore_database(const std::string& source,
                                                    const std::string& target, bool force,
                                                    int deadline_ms);

}  // namespace pat::patd::sqlite
