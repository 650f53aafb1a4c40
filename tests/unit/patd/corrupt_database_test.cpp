// A damaged SQLite database is reported as corrupt, and patd changes
// nothing in it: no migration runs over a schema version it cannot read.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

using namespace pat::patd;

namespace {
std::string make_temp_dir() {
    std::string dir = (std::filesystem::temp_directory_path() / "patd-corrupt-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    return dir;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// A patd database with one account, closed (WAL checkpointed into the file).
std::string make_database(const std::string& dir) {
    const std::string path = dir + "/patd.db";
    auto repo = open_repository("sqlite://" + path);
    REQUIRE(repo.ok());
    AccountRecord a;
    a.username = "alice";
    a.password_hash = "$argon2id$placeholder";
    REQUIRE((*repo)->create_account(a).ok());
    return path;
}

std::string open_error(const std::string& path) {
    auto repo = open_repository("sqlite://" + path);
    REQUIRE_FALSE(repo.ok());
    return repo.error().message;
}
}  // namespace

TEST_CASE("a database whose schema version was lost is corrupt, not migrated again",
          "[store][corrupt]") {
    const std::string dir = make_temp_dir();
    const std::string path = make_database(dir);
    {
        sqlite::Connection c(path, false);
        c.exec("DELETE FROM schema_version");
    }
    const std::string before = read_bytes(path);
    const std::string message = open_error(path);
    CHECK(message.find("the database is corrupt (it has patd's tables but no readable schema "
                       "version in schema_version); patd changed nothing: restore it from a "
                       "backup") != std::string::npos);
    CHECK(message.find("already exists") == std::string::npos);
    CHECK(read_bytes(path) == before);
    {
        sqlite::Connection c(path, false);
        auto rows = c.prepare("SELECT username FROM accounts");
        REQUIRE(rows.step());
        CHECK(rows.text_at(0) == "alice");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a schema version that is not one positive integer is corrupt", "[store][corrupt]") {
    const char* damage = GENERATE("UPDATE schema_version SET version = 'one'",
                                  "UPDATE schema_version SET version = 0",
                                  "INSERT INTO schema_version (version) VALUES (1)");
    const std::string dir = make_temp_dir();
    const std::string path = make_database(dir);
    {
        sqlite::Connection c(path, false);
        c.exec(damage);
    }
    const std::string before = read_bytes(path);
    CHECK(open_error(path).find("no readable schema version") != std::string::npos);
    CHECK(read_bytes(path) == before);
    std::filesystem::remove_all(dir);
}

TEST_CASE("damaged pages are reported by PRAGMA quick_check", "[store][corrupt]") {
    const std::string dir = make_temp_dir();
    const std::string path = make_database(dir);
    // The schema's pages stay (page 1 and, with the console's tables, a few
    // more: dbstat names them); every table and index page is garbage.
    std::set<std::int64_t> schema_pages;
    {
        sqlite::Connection c(path, false);
        auto pages = c.prepare("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'");
        while (pages.step()) schema_pages.insert(pages.int_at(0));
    }
    REQUIRE(schema_pages.count(1) == 1);
    std::string bytes = read_bytes(path);
    REQUIRE(bytes.size() >= 3 * 4096);
    for (std::size_t i = 4096; i < bytes.size(); ++i)
        if (schema_pages.count(static_cast<std::int64_t>(i / 4096) + 1) == 0)
            bytes[i] = static_cast<char>(0x5a ^ (i & 7));
    write_bytes(path, bytes);
    const std::string message = open_error(path);
    CHECK(message.find("the database is corrupt (PRAGMA quick_check: ") != std::string::npos);
    CHECK(message.find("patd changed nothing: restore it from a backup") != std::string::npos);
    CHECK(read_bytes(path) == bytes);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a file that is not a database is reported as such and left alone", "[store][corrupt]") {
    const std::string dir = make_temp_dir();
    const std::string path = dir + "/patd.db";
    const std::string bytes = std::string("not a database at all\n") + std::string(5000, 'x');
    write_bytes(path, bytes);
    const std::string message = open_error(path);
    CHECK(message.find("the database is corrupt or not an SQLite database (file is not a "
                       "database); patd changed nothing") != std::string::npos);
    CHECK(read_bytes(path) == bytes);
    std::filesystem::remove_all(dir);
}
