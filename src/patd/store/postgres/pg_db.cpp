#include "patd/store/postgres/pg_db.hpp"

#include <cstdlib>

#include "common/hex.hpp"

namespace pat::patd::pg {

Param param(long v) {
    return Param{std::to_string(v), false};
}
Param param(long long v) {
    return Param{std::to_string(v), false};
}
Param param(std::string_view text) {
    return Param{std::string(text), false};
}
Param param(bool v) {
    return Param{std::string(v ? "true" : "false"), false};
}
Param param(std::optional<std::int64_t> v) {
    if (!v) return Param{};
    return param(*v);
}
Param bytes(std::string_view raw) {
    return Param{std::string(raw), true};
}

long long Rows::affected() const {
    const char* n = PQcmdTuples(m_result.get());
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

std::int64_t Rows::int_at(int row, int col) const {
    return std::strtoll(PQgetvalue(m_result.get(), row, col), nullptr, 10);
}

std::optional<std::int64_t> Rows::optional_int_at(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return int_at(row, col);
}

bool Rows::bool_at(int row, int col) const {
    return PQgetvalue(m_result.get(), row, col)[0] == 't';
}

std::string Rows::text_at(int row, int col) const {
    return std::string(PQgetvalue(m_result.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(m_result.get(), row, col)));
}

std::string Rows::bytes_at(int row, int col) const {
    const std::string hex = text_at(row, col);
    std::string out;
    if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') return out;
    for (std::size_t i = 2; i + 1 < hex.size(); i += 2) {
        const int hi = hex_digit_value(hex[i]), lo = hex_digit_value(hex[i + 1]);
        if (hi < 0 || lo < 0) throw PgError("XX000", "malformed bytea value");
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

Connection::Connection(const std::string& uri) : m_conn(PQconnectdb(uri.c_str())) {
    if (!m_conn) throw PgError("", "out of memory connecting to PostgreSQL");
    if (PQstatus(m_conn.get()) != CONNECTION_OK)
        throw PgError("",
                      std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(m_conn.get()));
    // NOTICEs ("relation already exists, skipping") are not patd's log lines.
    PQsetNoticeProcessor(
        m_conn.get(), [](void*, const char*) {}, nullptr);
}

Rows Connection::exec(const char* sql, const std::vector<Param>& params) {
    if (PQstatus(m_conn.get()) != CONNECTION_OK) PQreset(m_conn.get());
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const auto& p : params) {
        values.push_back(p.value ? p.value->data() : nullptr);
        lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
        formats.push_back(p.binary ? 1 : 0);
    }
    PGresult* raw = PQexecParams(m_conn.get(), sql, static_cast<int>(params.size()), nullptr,
                                 values.data(), lengths.data(), formats.data(), 0);
    Rows rows(raw);
    const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
        throw PgError(state ? state : "",
                      std::string("PostgreSQL: ") + PQerrorMessage(m_conn.get()));
    }
    return rows;
}

void Connection::exec_script(const char* sql) {
    Rows rows(PQexec(m_conn.get(), sql));
    (void)rows;
    // PQexec returns the last statement's result; check the connection's error.
    if (PQtransactionStatus(m_conn.get()) == PQTRANS_INERROR)
        throw PgError("XX000", std::string("PostgreSQL: ") + PQerrorMessage(m_conn.get()));
}

Transaction::Transaction(Connection& c, const char* begin) : m_c(c) {
    m_c.exec(begin);
}

Transaction::~Transaction() {
    if (m_done) return;
    try {
        m_c.exec("ROLLBACK");
    } catch (const PgError&) {
        // The connection is gone; the server rolled back already.
    }
}

void Transaction::commit() {
    m_c.exec("COMMIT");
    m_done = true;
}

}  // namespace pat::patd::pg
