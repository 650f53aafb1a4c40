// copy_sqlite_to_postgres (table_copy.hpp).
#include "patd/store/table_copy.hpp"

#include <algorithm>
#include <exception>

#include "patd/store/sqlite/sqlite_export.hpp"
#ifdef PATD_HAVE_POSTGRES
#include "patd/store/postgres/pg_import.hpp"
#endif

namespace pat::patd {

const std::vector<std::string>& migrated_tables() {
    static const std::vector<std::string> tables = {
        "accounts",     "tokens",       "oidc_issuers",   "oidc_policies", "oidc_jti",
        "web_sessions", "totp_pending", "recovery_codes", "device_auths",  "audit_events",
    };
    return tables;
}

Result<std::vector<CopyCount>, std::string> copy_sqlite_to_postgres(
    const std::string& sqlite_path, const std::string& postgres_url) {
#ifndef PATD_HAVE_POSTGRES
    (void)sqlite_path;
    (void)postgres_url;
    return fail(std::string("this patd was built without PostgreSQL (libpq)"));
#else
    try {
        sqlite::TableExport source(sqlite_path);
        const auto& order = migrated_tables();
        for (const auto& table : source.tables()) {
            if (std::find(order.begin(), order.end(), table) == order.end())
                return fail(
                    "the SQLite database has a table this patd does not know how to "
                    "copy (" +
                    table + "); nothing was copied");
        }
        pg::TableImport target(postgres_url, order);
        std::vector<CopyCount> counts;
        for (const auto& table : order) {
            const auto columns = source.columns(table);
            source.each_row(table,
                            [&](const TableRow& row) { target.insert(table, columns, row); });
            const auto expected = source.count(table);
            const auto copied = target.count(table);
            if (copied != expected)
                return fail(table + ": " + std::to_string(copied) + " rows in PostgreSQL, " +
                            std::to_string(expected) + " in SQLite; nothing was copied");
            counts.push_back({table, copied});
        }
        target.commit(order);
        return counts;
    } catch (const std::exception& e) {
        return fail(std::string(e.what()) + "; nothing was copied");
    }
#endif
}

}  // namespace pat::patd
