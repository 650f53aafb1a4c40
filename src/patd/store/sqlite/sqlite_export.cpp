// TableExport (sqlite_export.hpp): plain SQLite C API over one read
// transaction, so every table is read from the same snapshot.
#include "patd/store/sqlite/sqlite_export.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <stdexcept>

#include "patd/store/sqlite/migrations.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {
namespace {

[[noreturn]] void raise(sqlite3* db, const std::string& what) {
    throw std::runtime_error(what + ": " + sqlite3_errmsg(db));
}

// Table names come from sqlite_master; quoting them keeps them names.
std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

}  // namespace

struct TableExport::Impl {
    DbHandle db;

    StmtHandle prepare(const std::string& sql) {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
            raise(db.get(), "cannot read the SQLite database");
        return StmtHandle(raw);
    }
    void step_all(sqlite3_stmt* stmt, const std::function<void()>& row) {
        for (;;) {
            const int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) return;
            if (rc != SQLITE_ROW) raise(db.get(), "cannot read the SQLite database");
            row();
        }
    }
};

TableExport::TableExport(const std::string& path) : m_impl(std::make_unique<Impl>()) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("no database at " + path);
    {
        Connection schema(path, false);
        migrate(schema);  // the copy is of this patd's schema, whatever made the file
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    m_impl->db.reset(raw);
    if (rc != SQLITE_OK) raise(raw, "cannot open " + path);
    sqlite3_busy_timeout(raw, 5000);
    char* message = nullptr;
    if (sqlite3_exec(raw, "BEGIN", nullptr, nullptr, &message) != SQLITE_OK) {
        sqlite3_free(message);
        raise(raw, "cannot read " + path);
    }
}

TableExport::~TableExport() {
    if (m_impl && m_impl->db) sqlite3_exec(m_impl->db.get(), "COMMIT", nullptr, nullptr, nullptr);
}

std::vector<std::string> TableExport::tables() {
    auto stmt = m_impl->prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_version' AND "
        "name NOT LIKE 'sqlite_%' ORDER BY name");
    std::vector<std::string> out;
    m_impl->step_all(stmt.get(), [&] {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
    });
    return out;
}

std::vector<std::string> TableExport::columns(const std::string& table) {
    auto stmt = m_impl->prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
    sqlite3_bind_text(stmt.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> out;
    m_impl->step_all(stmt.get(), [&] {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
    });
    return out;
}

std::int64_t TableExport::count(const std::string& table) {
    auto stmt = m_impl->prepare("SELECT count(*) FROM " + quoted(table));
    std::int64_t n = 0;
    m_impl->step_all(stmt.get(), [&] { n = sqlite3_column_int64(stmt.get(), 0); });
    return n;
}

void TableExport::each_row(const std::string& table,
                           const std::function<void(const TableRow&)>& row) {
    std::string sql = "SELECT ";
    const auto names = columns(table);
    for (std::size_t i = 0; i < names.size(); ++i) sql += (i ? ", " : "") + quoted(names[i]);
    auto stmt = m_impl->prepare(sql + " FROM " + quoted(table));
    sqlite3_stmt* s = stmt.get();
    TableRow cells(names.size());
    m_impl->step_all(s, [&] {
        for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
            Cell& cell = cells[static_cast<std::size_t>(i)];
            cell.bytes.clear();
            switch (sqlite3_column_type(s, i)) {
                case SQLITE_NULL:
                    cell.kind = Cell::Kind::null;
                    break;
                case SQLITE_INTEGER:
                    cell.kind = Cell::Kind::integer;
                    cell.integer = sqlite3_column_int64(s, i);
                    break;
                case SQLITE_BLOB: {
                    cell.kind = Cell::Kind::blob;
                    const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
                    cell.bytes.assign(p ? p : "",
                                      static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
                    break;
                }
                default: {  // TEXT (patd stores no REAL)
                    cell.kind = Cell::Kind::text;
                    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
                    cell.bytes.assign(p ? p : "",
                                      static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
                }
            }
        }
        row(cells);
    });
}

}  // namespace pat::patd::sqlite
