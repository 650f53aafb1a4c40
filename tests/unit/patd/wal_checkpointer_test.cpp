// WAL checkpoints run on their own thread, and past a bound in the commit
// that crosses it (docs/patd-core.md "SQLite").
#include "patd/store/sqlite/wal_checkpointer.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "patd/store/sqlite/sqlite_db.hpp"

using namespace pat::patd::sqlite;

namespace {
std::string make_temp_dir() {
    std::string dir = (std::filesystem::temp_directory_path() / "patd-wal-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    return dir;
}

// One transaction that adds `pages` pages of 4 KiB blobs.
void write_pages(Connection& c, int pages) {
    Transaction tx(c, true);
    for (int i = 0; i < pages; ++i)
        c.prepare("INSERT INTO filler (data) VALUES (zeroblob(4000))").run();
    tx.commit();
}

std::uintmax_t pages_in(const std::string& file) {
    return std::filesystem::file_size(file) / 4096;
}
}  // namespace

TEST_CASE("a commit past the threshold leaves the checkpoint to the checkpointer's thread",
          "[store][wal]") {
    const std::string dir = make_temp_dir();
    const std::string path = dir + "/patd.db";
    WalCheckpointer checkpointer(path, false);
    {
        Connection c(path, false);
        checkpointer.attach(c);
        c.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)");
        // Between the two thresholds: SQLite's own hook would checkpoint
        // inside this commit; the attached one only wakes the thread.
        write_pages(c, WalCheckpointer::k_pages + 200);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (checkpointer.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        CHECK(checkpointer.checkpoints() == 1);
        // The thread's checkpoint copied the frames into the database file.
        CHECK(pages_in(path) >= static_cast<std::uintmax_t>(WalCheckpointer::k_pages));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a commit past the bound checkpoints in the committing connection", "[store][wal]") {
    const std::string dir = make_temp_dir();
    const std::string path = dir + "/patd.db";
    WalCheckpointer checkpointer(path, false);
    {
        Connection c(path, false);
        checkpointer.attach(c);
        c.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)");
        write_pages(c, WalCheckpointer::k_inline_pages + 200);
        // Done by the time the commit returned, and not by the thread.
        CHECK(pages_in(path) >= static_cast<std::uintmax_t>(WalCheckpointer::k_inline_pages));
        CHECK(checkpointer.checkpoints() == 0);
    }
    std::filesystem::remove_all(dir);
}
