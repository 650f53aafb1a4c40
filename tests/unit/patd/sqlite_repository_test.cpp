// The SQLite store: the conformance suite plus what only a file database has.
#include "patd/store/sqlite/sqlite_repository.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "store_conformance.hpp"

using namespace store_test;
using std::chrono::seconds;

std::unique_ptr<Repository> store_test::fresh_repository() {
    return make_sqlite_repository(":memory:");
}

namespace {
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "patd-store-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace

TEST_CASE("a file database persists across reopen and migrates once", "[store]") {
    TempDir dir;
    const std::string url = "sqlite://" + (dir.path / "patd.db").string();
    {
        auto repo = open_repository(url);
        REQUIRE(repo.ok());
        REQUIRE((*repo)->create_account(account("alice")).ok());
    }
    auto again = open_repository(url);
    REQUIRE(again.ok());
    CHECK((*again)->find_account("alice")->has_value());
}

TEST_CASE("open_repository picks the backend by URL scheme", "[store]") {
    CHECK(open_repository("sqlite::memory:").ok());
    // Port 1 refuses at once: a PostgreSQL URL is tried, and fails cleanly.
    auto pg = open_repository("postgresql://127.0.0.1:1/patd?connect_timeout=2");
    REQUIRE_FALSE(pg.ok());
#ifdef PATD_HAVE_POSTGRES
    CHECK(pg.error().code == ErrorCode::unavailable);
    CHECK(pg.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
#else
    CHECK(pg.error().code == ErrorCode::bad_request);
#endif
    CHECK_FALSE(open_repository("mysql://x").ok());
    CHECK_FALSE(open_repository("sqlite://").ok());
    auto bad = open_repository("sqlite:///nonexistent-dir/x/y.db");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::unavailable);
}

TEST_CASE("the file store serves concurrent writers and readers", "[store][threads]") {
    TempDir dir;
    auto repo = make_sqlite_repository((dir.path / "patd.db").string(), 4);
    exercise_concurrently(*repo, 8, 40);
}
