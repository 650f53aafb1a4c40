// TableImport (pg_import.hpp).
#include "patd/store/postgres/pg_import.hpp"

#include <optional>
#include <stdexcept>

#include "patd/store/postgres/pg_db.hpp"
#include "patd/store/postgres/pg_schema.hpp"

namespace pat::patd::pg {

struct TableImport::Impl {
    explicit Impl(const std::string& url) : connection(url) {}
    Connection connection;
    std::optional<Transaction> transaction;
    // table -> column -> data_type, and the INSERT of each table.
    std::map<std::string, std::map<std::string, std::string>> types;
    std::map<std::string, std::string> inserts;

    const std::map<std::string, std::string>& types_of(const std::string& table) {
        auto it = types.find(table);
        if (it != types.end()) return it->second;
        const Rows rows = connection.exec(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1",
            {param(table)});
        auto& out = types[table];
        for (int r = 0; r < rows.size(); ++r) out[rows.text_at(r, 0)] = rows.text_at(r, 1);
        return out;
    }
};

TableImport::TableImport(const std::string& url, const std::vector<std::string>& tables)
    : m_impl(std::make_unique<Impl>(url)) {
    migrate(m_impl->connection);
    m_impl->transaction.emplace(m_impl->connection);
    for (const auto& table : tables) {
        if (!has_table(table))
            throw std::runtime_error("the PostgreSQL database has no table " + table);
        if (const auto n = count(table); n != 0)
            throw std::runtime_error("the PostgreSQL database is not empty (" + std::to_string(n) +
                                     " rows in " + table +
                                     "); patd migrate copies into an empty database only");
    }
}

TableImport::~TableImport() = default;

bool TableImport::has_table(const std::string& table) {
    return !m_impl->types_of(table).empty();
}

void TableImport::insert(const std::string& table, const std::vector<std::string>& columns,
                         const TableRow& row) {
    const auto& types = m_impl->types_of(table);
    std::string& sql = m_impl->inserts[table];
    if (sql.empty()) {
        std::string names;
        std::string values;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (types.find(columns[i]) == types.end())
                throw std::runtime_error("the PostgreSQL table " + table + " has no column " +
                                         columns[i]);
            names += (i ? ", " : "") + columns[i];
            values += (i ? ", $" : "$") + std::to_string(i + 1);
        }
        sql = "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")";
    }
    std::vector<Param> params;
    params.reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) {
        const Cell& cell = row[i];
        const std::string& type = types.at(columns[i]);
        switch (cell.kind) {
            case Cell::Kind::null:
                params.push_back(Param{});
                break;
            case Cell::Kind::integer:
                params.push_back(type == "boolean" ? param(cell.integer != 0)
                                                   : param(static_cast<long long>(cell.integer)));
                break;
            case Cell::Kind::blob:
                params.push_back(bytes(cell.bytes));
                break;
            case Cell::Kind::text:
                params.push_back(param(cell.bytes));
                break;
        }
    }
    m_impl->connection.exec(sql.c_str(), params);
}

std::int64_t TableImport::count(const std::string& table) {
    // `table` is one of patd's own names (migrated_tables), never input.
    const std::string sql = "SELECT COUNT(*) FROM " + table;
    return m_impl->connection.exec(sql.c_str()).int_at(0, 0);
}

void TableImport::commit(const std::vector<std::string>& tables) {
    for (const auto& table : tables) {
        const auto& types = m_impl->types_of(table);
        if (types.find("id") == types.end()) continue;
        const std::string sequence = "pg_get_serial_sequence('" + table + "', 'id')";
        std::string sql = "SELECT setval(";
        sql.append(sequence)
            .append(", COALESCE((SELECT MAX(id) FROM ")
            .append(table)
            .append("), 0) + 1, false) WHERE ")
            .append(sequence)
            .append(" IS NOT NULL");
        m_impl->connection.exec(sql.c_str());
    }
    m_impl->transaction->commit();
}

}  // namespace pat::patd::pg
