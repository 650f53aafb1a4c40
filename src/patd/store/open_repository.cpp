// open_repository(url): picks the storage backend by URL scheme.
#include <stdexcept>

#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_repository.hpp"
#ifdef PATD_HAVE_POSTGRES
#include "patd/store/postgres/pg_repository.hpp"
#endif

namespace pat::patd {

SResult<std::unique_ptr<Repository>> open_repository(std::string_view url) {
    constexpr std::string_view k_sqlite = "sqlite://";
    if (url == "sqlite::memory:" || url == "sqlite://:memory:") {
        return make_sqlite_repository(":memory:");
    }
    if (url.starts_with(k_sqlite)) {
        const std::string path(url.substr(k_sqlite.size()));
        if (path.empty()) return fail(bad_request("database", "the sqlite:// URL has no path"));
        try {
            return make_sqlite_repository(path);
        } catch (const std::exception& e) {
            return fail(unavailable(std::string("cannot open ") + path + ": " + e.what()));
        }
    }
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
#ifdef PATD_HAVE_POSTGRES
        try {
            return make_postgres_repository(std::string(url));
        } catch (const std::exception& e) {
            // libpq's message names host and database, never the password.
            return fail(unavailable(e.what()));
        }
#else
        return fail(bad_request("database", "this patd was built without PostgreSQL (libpq)"));
#endif
    }
    return fail(bad_request(
        "database", "unknown database URL scheme (expected sqlite://PATH or postgresql://...)"));
}

}  // namespace pat::patd
