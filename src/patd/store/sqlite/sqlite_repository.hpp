#pragma once
// The SQLite Repository. Thread-safe through a small connection pool (one
// connection per concurrent call; see sqlite_db.hpp). Every write commits
// before it returns (WAL, synchronous=NORMAL: durable against kill -9).

#include <memory>
#include <string>

#include "patd/store/repository.hpp"

namespace pat::patd {

// `path`: a file path, or ":memory:" for a private in-memory database (one
// connection, for tests). Runs the migrations. Throws on failure.
std::unique_ptr<Repository> make_sqlite_repository(const std::string& path,
                                                   std::size_t pool_size = 4);

}  // namespace pat::patd
