// open_repository(url): picks the storage backend by URL scheme.
#include <stdexcept>

#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_repository.hpp"

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
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return fail(bad_request("database", "PostgreSQL is not supported yet; use sqlite://PATH"));
    return fail(bad_request("database", "unknown database URL scheme (expected sqlite://PATH)"));
}

}  // namespace pat::patd
