#pragma once
// Runs one repository call on a pooled SQLite connection and turns SQLite
// failures into patd Errors (shared by the SQLite stores).

#include <string>

#include "common/log.hpp"
#include "patd/domain/error.hpp"
#include "patd/store/connection_pool.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

using Pool = ConnectionPool<Connection>;

template <class T, class F>
SResult<T> with_connection(Pool& pool, F&& body) {
    try {
        auto lease = pool.acquire();
        return body(*lease);
    } catch (const SqliteError& e) {
        if (e.is_unique_violation()) return fail(conflict("already exists"));
        log::error(std::string("database: ") + e.what());
        if (e.code() == SQLITE_BUSY || (e.code() & 0xFF) == SQLITE_BUSY)
            return fail(unavailable("the database is busy"));
        return fail(internal_error("database error"));
    }
}

}  // namespace pat::patd::sqlite
