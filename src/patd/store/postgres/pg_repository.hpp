#pragma once
// The PostgreSQL Repository (libpq). Several patd instances may share one
// database: every multi-statement change is one transaction, eviction of
// auto-generated tokens locks the account row, TOTP steps and last_used are
// updated with conditional UPDATEs. Thread-safe through a connection pool.

#include <memory>
#include <string>

#include "patd/store/repository.hpp"

namespace pat::patd {

// `uri`: a libpq connection URI (postgresql://user@host:port/db?...). Runs
// the migrations. Throws on failure.
std::unique_ptr<Repository> make_postgres_repository(const std::string& uri,
                                                     std::size_t pool_size = 4);

}  // namespace pat::patd
