#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

namespace {
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what) {
    const int code = db ? sqlite3_extended_errcode(db) : rc;
    std::string message(what);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw SqliteError(code, message);
}
constexpr int k_busy_timeout_ms = 5000;
}  // namespace

Statement::~Statement() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

void Statement::check(int rc) {
    if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(m_stmt), rc, "sqlite bind");
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    if (value) return bind(index, *value);
    check(sqlite3_bind_null(m_stmt, index));
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    check(sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(sqlite3_db_handle(m_stmt), rc, "sqlite step");
}

void Statement::run() {
    while (step()) {
    }
}

std::int64_t Statement::int_at(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

std::optional<std::int64_t> Statement::optional_int_at(int column) const {
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::text_at(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}

std::string Statement::blob_at(int column) const {
    const void* p = sqlite3_column_blob(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}

namespace {
// SQLite's memory statistics take a process-wide mutex on every allocation,
// which the /token threads then contend for (futex calls per request under
// load); patd never reads them. Must run before SQLite initialises; if it
// already did (another user in the process), the call fails harmlessly.
void configure_sqlite_once() {
    static const bool done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)done;
}
}  // namespace

Connection::Connection(const std::string& path, bool uri) {
    configure_sqlite_once();
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                      (uri ? SQLITE_OPEN_URI : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    m_db.reset(raw);
    if (rc != SQLITE_OK) throw_error(raw, rc, "cannot open the database");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, k_busy_timeout_ms);
    // WAL + synchronous=NORMAL: a committed transaction survives a crash of
    // the process (kill -9); only an OS crash may lose the last commits.
    try {
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    } catch (const SqliteError& e) {
        // The first statement is where a damaged header or a file that is
        // not a database shows.
        const int primary = e.code() & 0xFF;
        if (primary != SQLITE_NOTADB && primary != SQLITE_CORRUPT) throw;
        throw SqliteError(e.code(), std::string("the database is corrupt or not an SQLite "
                                                "database (") +
                                        sqlite3_errmsg(raw) +
                                        "); patd changed nothing: restore it from a backup");
    }
}

Statement Connection::prepare(const char* sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc =
            sqlite3_prepare_v3(m_db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) throw_error(m_db.get(), rc, "sqlite prepare");
        it = m_cache.emplace(sql, StmtHandle(stmt)).first;
    }
    return Statement(it->second.get());
}

void Connection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) throw_error(m_db.get(), rc, "sqlite exec");
}

std::int64_t Connection::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(m_db.get());
}

int Connection::changes() const {
    return sqlite3_changes(m_db.get());
}

Transaction::Transaction(Connection& connection, bool immediate) : m_connection(connection) {
    m_connection.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_connection.exec("ROLLBACK");
        } catch (const SqliteError&) {
            // The transaction is gone already (e.g. SQLite rolled it back).
        }
    }
}

void Transaction::commit() {
    m_connection.exec("COMMIT");
    m_done = true;
}

}  // namespace pat::patd::sqlite
