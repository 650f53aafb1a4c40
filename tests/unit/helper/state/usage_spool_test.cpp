#include "helper/state/usage_spool.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "temp_dir.hpp"

using pat::helper::UsageRecord;
using pat::helper::UsageSpool;
using pat::tokenclient::TimePoint;

namespace {

TimePoint at(long long secs) {
    return TimePoint{std::chrono::seconds(secs)};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::map<std::string, UsageRecord> pending(const UsageSpool& spool) {
    auto records = spool.pending();
    REQUIRE(records);
    return *records;
}

std::uint64_t total_uses(const std::map<std::string, UsageRecord>& records) {
    std::uint64_t total = 0;
    for (const auto& [key, record] : records) total += record.uses;
    return total;
}

}  // namespace

TEST_CASE("appended uses are pending, merged per key with the latest time", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/state/usage.spool");
    CHECK(pending(spool).empty());  // no file yet

    REQUIRE(spool.append("registry.example", at(100)));
    REQUIRE(spool.append("registry.example", at(300)));
    REQUIRE(spool.append("registry.example", at(200)));
    REQUIRE(spool.append("https://index.docker.io/v1/", at(50)));
    const auto records = pending(spool);
    REQUIRE(records.size() == 2);
    CHECK(records.at("registry.example").uses == 3);
    CHECK(records.at("registry.example").last_used == at(300));
    CHECK(records.at("https://index.docker.io/v1/").uses == 1);
    CHECK(records.at("https://index.docker.io/v1/").last_used == at(50));
    CHECK(read_file(spool.path()) ==
          "100 registry.example\n300 registry.example\n200 registry.example\n"
          "50 https://index.docker.io/v1/\n");

    struct stat st {};
    REQUIRE(::stat(spool.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat((dir.path + "/state").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    const auto empty = spool.append("", at(1));
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code == pat::cred::Errc::missing_server_url);
}

TEST_CASE("keys with spaces, percent signs and newlines are escaped", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/usage.spool");
    const std::string odd = "my host:5000/a b%20\nc\x01\xff";
    REQUIRE(spool.append(odd, at(7)));
    CHECK(read_file(spool.path()) == "7 my%20host:5000/a%20b%2520%0Ac%01%FF\n");
    const auto records = pending(spool);
    REQUIRE(records.size() == 1);
    CHECK(records.begin()->first == odd);
}

TEST_CASE("drain removes delivered uses and keeps the failed ones", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/usage.spool");
    REQUIRE(spool.append("a.example", at(10)));
    REQUIRE(spool.append("a.example", at(20)));
    REQUIRE(spool.append("down.example", at(30)));

    std::map<std::string, UsageRecord> seen;
    REQUIRE(spool.drain([&](const std::string& key, const UsageRecord& record) {
        seen[key] = record;
        return key != "down.example";
    }));
    REQUIRE(seen.size() == 2);
    CHECK(seen.at("a.example").uses == 2);
    CHECK(seen.at("a.example").last_used == at(20));
    auto left = pending(spool);
    REQUIRE(left.size() == 1);
    CHECK(left.at("down.example").uses == 1);
    CHECK(read_file(spool.path()) == "30 down.example\n");  // compacted

    // Offline again, then back: the kept record is delivered with its count.
    REQUIRE(spool.append("down.example", at(40)));
    REQUIRE(spool.drain([](const std::string&, const UsageRecord&) { return false; }));
    CHECK(read_file(spool.path()) == "40 down.example 2\n");
    seen.clear();
    REQUIRE(spool.drain([&](const std::string& key, const UsageRecord& record) {
        seen[key] = record;
        return true;
    }));
    CHECK(seen.at("down.example").uses == 2);
    CHECK(seen.at("down.example").last_used == at(40));
    CHECK(pending(spool).empty());
    CHECK(read_file(spool.path()).empty());
}

TEST_CASE("uses appended during a delivery survive the drain", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/usage.spool");
    REQUIRE(spool.append("a.example", at(10)));
    REQUIRE(spool.append("b.example", at(10)));
    REQUIRE(spool.drain([&](const std::string& key, const UsageRecord&) {
        // `get` runs while the flush posts: the lock is not held here.
        REQUIRE(spool.append(key, at(99)));
        return true;
    }));
    const auto left = pending(spool);
    REQUIRE(left.size() == 2);
    CHECK(left.at("a.example").uses == 1);
    CHECK(left.at("a.example").last_used == at(99));
    CHECK(left.at("b.example").uses == 1);
}

TEST_CASE("remove_key drops only that key", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/usage.spool");
    REQUIRE(spool.remove_key("absent.example"));  // no file: fine
    REQUIRE(spool.append("a.example", at(1)));
    REQUIRE(spool.append("b.example", at(2)));
    REQUIRE(spool.append("a.example", at(3)));
    REQUIRE(spool.remove_key("a.example"));
    const auto left = pending(spool);
    REQUIRE(left.size() == 1);
    CHECK(left.count("b.example") == 1);
    REQUIRE(spool.remove_key("absent.example"));
    CHECK(pending(spool).size() == 1);
}

TEST_CASE("the spool stays within its bound, dropping the oldest keys", "[state][spool]") {
    pat::helper::test::TempDir dir;
    constexpr std::size_t k_max = 512;
    UsageSpool spool(dir.path + "/usage.spool", k_max);
    // Many uses of few keys: compaction alone keeps it small, nothing lost.
    for (int i = 0; i < 200; ++i)
        REQUIRE(spool.append(i % 2 ? "odd.example" : "even.example", at(i)));
    CHECK(read_file(spool.path()).size() <= k_max);
    auto records = pending(spool);
    CHECK(total_uses(records) == 200);
    CHECK(records.at("odd.example").last_used == at(199));

    // Many distinct keys: the oldest go.
    for (int i = 0; i < 100; ++i) {
        REQUIRE(spool.append("host-" + std::to_string(1000 + i) + ".example", at(1000 + i)));
        REQUIRE(read_file(spool.path()).size() <= k_max);
    }
    records = pending(spool);
    CHECK(records.count("host-1099.example") == 1);  // the newest stays
    CHECK(records.count("host-1000.example") == 0);
    CHECK(records.count("even.example") == 0);  // used longest ago
    CHECK(records.size() < 100);
}

TEST_CASE("corrupt and torn lines are skipped, never fatal", "[state][spool]") {
    pat::helper::test::TempDir dir;
    UsageSpool spool(dir.path + "/usage.spool");
    write_file(spool.path(),
               "garbage\n"
               "12 good.example\n"
               "-5 negative.example\n"
               "x1 nonnumeric.example\n"
               "13 bad%zzescape\n"
               "14 good.example 0\n"
               "15 good.example 3\n"
               "16 too many fields here\n"
               "\n"
               "17 torn.exam");  // a crash in the middle of a write
    auto records = pending(spool);
    REQUIRE(records.size() == 1);
    CHECK(records.at("good.example").uses == 4);
    CHECK(records.at("good.example").last_used == at(15));

    // The next append starts on a fresh line: the torn one stays one bad line.
    REQUIRE(spool.append("next.example", at(20)));
    records = pending(spool);
    CHECK(records.size() == 2);
    CHECK(records.at("next.example").uses == 1);
    REQUIRE(spool.drain([](const std::string&, const UsageRecord&) { return false; }));
    CHECK(read_file(spool.path()) == "15 good.example 4\n20 next.example\n");
}

TEST_CASE("concurrent writers and a drainer lose no use", "[state][spool][stress]") {
    pat::helper::test::TempDir dir;
    const std::string path = dir.path + "/usage.spool";
    // A small bound forces many append-time compactions (renames racing
    // with appenders) while staying large enough never to drop a key.
    constexpr std::size_t k_max = 2048;
    constexpr int k_writers = 6;
    constexpr int k_uses_each = 1000;
    const std::vector<std::string> keys{"a.example", "b.example:5000", "https://c.example/v1/"};

    std::vector<pid_t> children;
    for (int w = 0; w < k_writers; ++w) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            UsageSpool spool(path, k_max);
            int failures = 0;
            for (int i = 0; i < k_uses_each; ++i) {
                if (!spool.append(keys[static_cast<std::size_t>(i + w) % keys.size()], at(i))) {
                    ++failures;
                }
            }
            ::_exit(failures == 0 ? 0 : 1);
        }
        children.push_back(pid);
    }

    UsageSpool drainer(path, k_max);
    std::uint64_t delivered = 0;
    int drains = 0;
    auto deliver = [&](const std::string& key, const UsageRecord& record) {
        // Fail some deliveries: they must stay pending.
        if ((drains + static_cast<int>(key.size())) % 3 == 0) return false;
        delivered += record.uses;
        return true;
    };
    int failed_writers = 0;
    while (!children.empty()) {
        REQUIRE(drainer.drain(deliver));
        ++drains;
        for (auto it = children.begin(); it != children.end();) {
            int status = 0;
            const pid_t done = ::waitpid(*it, &status, WNOHANG);
            REQUIRE(done >= 0);
            if (done == 0) {
                ++it;
                continue;
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed_writers;
            it = children.erase(it);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(drains > 1);  // the drainer really ran while writers appended
    CHECK(failed_writers == 0);
    const std::uint64_t appended = std::uint64_t{k_writers} * k_uses_each;
    CHECK(delivered + total_uses(pending(drainer)) == appended);
    CHECK(read_file(path).size() <= k_max);
}
