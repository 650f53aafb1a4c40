#pragma once
// Runs one repository call on a pooled PostgreSQL connection and turns
// libpq failures into patd Errors (shared by the PostgreSQL stores).

#include <string>

#include "common/log.hpp"
#include "patd/domain/error.hpp"
#include "patd/store/connection_pool.hpp"
#include "patd/store/postgres/pg_db.hpp"

namespace pat::patd::pg {

using Pool = ConnectionPool<Connection>;

template <class T, class F>
SResult<T> with_connection(Pool& pool, F&& body) {
    try {
        auto lease = pool.acquire();
        return body(*lease);
    } catch (const PgError& e) {
        if (e.is_unique_violation()) return fail(conflict("already exists"));
        log::error(std::string("database: ") + e.what());
        if (e.is_connection_failure()) return fail(unavailable("the database does not answer"));
        return fail(internal_error("database error"));
    }
}

}  // namespace pat::patd::pg
