#pragma once
// Thin RAII layer over the SQLite C API: connections, cached prepared
// statements and transactions. Failures throw
// SqliteError; the repository turns them into patd Errors at its boundary,
// so no SQLite type leaks out of store/sqlite/.

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pat::patd::sqlite {

class SqliteError : public std::runtime_error {
  public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), m_code(code) {}
    // The extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
    int code() const { return m_code; }
    bool is_unique_violation() const {
        return m_code == SQLITE_CONSTRAINT_UNIQUE || m_code == SQLITE_CONSTRAINT_PRIMARYKEY;
    }

  private:
    int m_code;
};

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// A borrowed, cached statement; resets itself and clears its bindings when
// it goes out of scope. Parameter indexes start at 1, columns at 0.
class Statement {
  public:
    explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::optional<std::int64_t> value);
    Statement& bind_blob(int index, std::string_view bytes);
    // Steps once: true = a row is ready, false = done. Throws on error.
    bool step();
    // Runs to completion (for statements without rows).
    void run();

    std::int64_t int_at(int column) const;
    std::optional<std::int64_t> optional_int_at(int column) const;
    std::string text_at(int column) const;
    std::string blob_at(int column) const;

  private:
    void check(int rc);
    sqlite3_stmt* m_stmt;
};

class Connection {
  public:
    // Opens `path` (or a URI with `uri`), sets WAL, synchronous=NORMAL,
    // foreign_keys=ON and a busy timeout.
    Connection(const std::string& path, bool uri);
    // The cached statement for `sql` (prepared on first use with
    // SQLITE_PREPARE_PERSISTENT). `sql` must be a string literal.
    Statement prepare(const char* sql);
    // Runs one or more statements without parameters.
    void exec(const char* sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    // The raw handle, for the few calls this layer does not wrap (the WAL
    // hook and checkpoints of WalCheckpointer).
    sqlite3* handle() { return m_db.get(); }

  private:
    DbHandle m_db;
    std::map<const char*, StmtHandle> m_cache;
};

// BEGIN (IMMEDIATE for writers) ... COMMIT; rolls back when not committed.
class Transaction {
  public:
    Transaction(Connection& connection, bool immediate);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Connection& m_connection;
    bool m_done = false;
};

}  // namespace pat::patd::sqlite
