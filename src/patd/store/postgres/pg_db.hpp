#pragma once
// Thin RAII layer over libpq: a connection, query results, parameters and
// transactions. Failures throw PgError carrying the SQLSTATE; the repository
// turns them into patd Errors, so no libpq type leaks out of store/postgres/.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pat::patd::pg {

class PgError : public std::runtime_error {
  public:
    PgError(std::string sqlstate, const std::string& what)
        : std::runtime_error(what), m_sqlstate(std::move(sqlstate)) {}
    // Five-character SQLSTATE, "" when the connection itself failed.
    const std::string& sqlstate() const { return m_sqlstate; }
    bool is_unique_violation() const { return m_sqlstate == "23505"; }
    bool is_connection_failure() const {
        return m_sqlstate.empty() || m_sqlstate.starts_with("08");
    }

  private:
    std::string m_sqlstate;
};

// One query parameter: text, raw bytes (bytea, sent in binary) or NULL.
struct Param {
    std::optional<std::string> value;
    bool binary = false;
};
Param param(long v);
Param param(long long v);
Param param(std::string_view text);
Param param(bool v);
Param param(std::optional<std::int64_t> v);
Param bytes(std::string_view raw);

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};

// A query result in text format. Rows and columns start at 0.
class Rows {
  public:
    explicit Rows(PGresult* r) : m_result(r) {}
    int size() const { return PQntuples(m_result.get()); }
    // Rows touched by INSERT/UPDATE/DELETE.
    long long affected() const;
    bool is_null(int row, int col) const { return PQgetisnull(m_result.get(), row, col) != 0; }
    std::int64_t int_at(int row, int col) const;
    std::optional<std::int64_t> optional_int_at(int row, int col) const;
    bool bool_at(int row, int col) const;
    std::string text_at(int row, int col) const;
    // A bytea column ("\x..." hex in text format) as raw bytes.
    std::string bytes_at(int row, int col) const;

  private:
    std::unique_ptr<PGresult, ResultDeleter> m_result;
};

class Connection {
  public:
    // Connects with a libpq URI (postgresql://...). Throws PgError.
    explicit Connection(const std::string& uri);
    // Runs one statement with $1.. parameters; throws PgError on failure.
    // Reconnects once first when the connection was lost.
    Rows exec(const char* sql, const std::vector<Param>& params = {});
    // Runs several statements without parameters (migrations).
    void exec_script(const char* sql);

  private:
    struct Closer {
        void operator()(PGconn* c) const { PQfinish(c); }
    };
    std::unique_ptr<PGconn, Closer> m_conn;
};

// BEGIN ... COMMIT; rolls back when not committed.
class Transaction {
  public:
    Transaction(Connection& c, const char* begin = "BEGIN");
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Connection& m_c;
    bool m_done = false;
};

}  // namespace pat::patd::pg
