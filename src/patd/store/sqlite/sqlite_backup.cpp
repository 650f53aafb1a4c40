// backup_database, inspect_backup and restore_database (sqlite_backup.hpp).
#include "patd/store/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "patd/store/sqlite/migrations.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {
namespace {

using Clock = std::chrono::steady_clock;
using Text = Result<std::string, std::string>;

struct BackupFinisher {
    void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

Result<DbHandle, std::string> open_db(const std::string& path, bool writable, int deadline_ms) {
    sqlite3* raw = nullptr;
    const int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    DbHandle db(raw);
    if (rc != SQLITE_OK)
        return fail("cannot open " + path + ": " +
                    (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(raw, deadline_ms);
    return db;
}

// The first column of the first row of `sql`, as text.
Text scalar(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
        return fail(std::string(sqlite3_errmsg(db)));
    const StmtHandle stmt(raw);
    const int rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW)
        return fail(std::string(rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(db)));
    const auto* text = sqlite3_column_text(raw, 0);
    return std::string(text ? reinterpret_cast<const char*>(text) : "");
}

// What the database at `path` (already open as `db`) holds, after the
// checks every backup and restore makes.
Result<BackupSummary, std::string> summarize(sqlite3* db, const std::string& path) {
    const auto check = scalar(db, "PRAGMA integrity_check");
    if (!check) return fail(path + " is not a readable SQLite database (" + check.error() + ")");
    if (*check != "ok") return fail(path + " fails SQLite's integrity check (" + *check + ")");
    const auto version = scalar(db, "SELECT version FROM schema_version");
    if (!version) return fail(path + " is not a patd database (no schema version)");
    BackupSummary out;
    out.schema_version = std::atoi(version->c_str());
    if (out.schema_version < 1 || out.schema_version > latest_schema_version())
        return fail(path + " has schema version " + *version + "; this patd reads 1 to " +
                    std::to_string(latest_schema_version()));
    const auto accounts = scalar(db, "SELECT count(*) FROM accounts");
    const auto tokens = scalar(db, "SELECT count(*) FROM tokens");
    if (!accounts || !tokens) return fail(path + " is not a patd database (no accounts or tokens)");
    out.accounts = std::atoll(accounts->c_str());
    out.tokens = std::atoll(tokens->c_str());
    return out;
}

// Copies every page of `from` into `to` in one step, so the copy is one
// snapshot: a writer elsewhere that gets in between restarts the step.
// Waits out a busy database until `deadline_ms`.
Result<void, std::string> copy_pages(sqlite3* from, sqlite3* to, int deadline_ms) {
    std::unique_ptr<sqlite3_backup, BackupFinisher> backup(
        sqlite3_backup_init(to, "main", from, "main"));
    if (!backup) return fail(std::string(sqlite3_errmsg(to)));
    const auto until = Clock::now() + std::chrono::milliseconds(deadline_ms);
    for (;;) {
        const int rc = sqlite3_backup_step(backup.get(), -1);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) return fail(std::string(sqlite3_errstr(rc)));
        if (Clock::now() >= until)
            return fail("the database stayed locked for " + std::to_string(deadline_ms / 1000) +
                        " s");
        sqlite3_sleep(25);
    }
    const int rc = sqlite3_backup_finish(backup.release());
    if (rc != SQLITE_OK) return fail(std::string(sqlite3_errmsg(to)));
    return {};
}

void remove_files(const std::string& path) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

}  // namespace

Result<BackupSummary, std::string> backup_database(const std::string& source,
                                                   const std::string& dest, int deadline_ms) {
    if (!exists(source)) return fail("no database at " + source);
    auto from = open_db(source, false, deadline_ms);
    if (!from) return fail(std::move(from).error());
    // O_EXCL: never overwrite, not even a file that appears meanwhile.
    const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return fail(dest + " exists; patd backup never overwrites a file");
        return fail("cannot create " + dest + ": " + std::strerror(errno));
    }
    ::close(fd);
    auto written = [&]() -> Result<BackupSummary, std::string> {
        auto to = open_db(dest, true, deadline_ms);
        if (!to) return fail(std::move(to).error());
        if (auto copied = copy_pages(from->get(), to->get(), deadline_ms); !copied)
            return fail("backup of " + source + " failed: " + copied.error());
        // One self-contained file: no WAL beside it.
        if (auto mode = scalar(to->get(), "PRAGMA journal_mode=DELETE"); !mode)
            return fail("backup of " + source + " failed: " + mode.error());
        return summarize(to->get(), dest);
    }();
    if (!written) remove_files(dest);
    return written;
}

Result<BackupSummary, std::string> inspect_backup(const std::string& path) {
    if (!exists(path)) return fail("no backup at " + path);
    auto db = open_db(path, false, 1000);
    if (!db) return fail(std::move(db).error());
    return summarize(db->get(), path);
}

Result<BackupSummary, std::string> restore_database(const std::string& source,
                                                    const std::string& target, bool force,
                                                    int deadline_ms) {
    auto summary = inspect_backup(source);
    if (!summary) return summary;
    if (exists(target) && !force) {
        auto current = open_db(target, false, deadline_ms);
        if (!current) return fail(std::move(current).error() + "; pass --force to replace it");
        auto held = summarize(current->get(), target);
        if (!held) return fail(held.error() + "; pass --force to replace it");
        if (held->accounts > 0)
            return fail(target + " holds " + std::to_string(held->accounts) +
                        " account(s); restore replaces them all: stop patd, then pass --force");
    }
    auto from = open_db(source, false, deadline_ms);
    if (!from) return fail(std::move(from).error());
    auto to = open_db(target, true, deadline_ms);
    if (!to) return fail(std::move(to).error());
    if (auto copied = copy_pages(from->get(), to->get(), deadline_ms); !copied)
        return fail("restore into " + target + " failed, nothing changed: " + copied.error());
    if (auto mode = scalar(to->get(), "PRAGMA journal_mode=WAL"); !mode)
        return fail("restore into " + target + ": " + mode.error());
    return summarize(to->get(), target);
}

}  // namespace pat::patd::sqlite
