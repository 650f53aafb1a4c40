#include "patd/service/last_used.hpp"

#include <catch2/catch.hpp>

#include "patd/store/sqlite/sqlite_repository.hpp"
#include "service_fixture.hpp"

using namespace patd_test;
using std::chrono::seconds;

namespace {
struct CoalescerFixture {
    pat::ManualClock clock;
    SpyRepository repo{make_sqlite_repository(":memory:")};
    std::int64_t account = 0;
    CoalescerFixture() {
        AccountRecord a;
        a.username = "alice";
        a.password_hash = "x";
        account = repo.create_account(a)->id;
    }
    std::int64_t token(const char* uuid) {
        TokenRecord t;
        t.uuid = uuid;
        t.account_id = account;
        t.digest = uuid;
        t.label = uuid;
        return repo.insert_token(t, std::nullopt)->id;
    }
    std::optional<Timestamp> stored(const char* uuid) {
        return (*repo.find_token(account, uuid))->last_used;
    }
    Timestamp now() const { return to_timestamp(clock.now()); }
};
}  // namespace

TEST_CASE("the first use writes at once, later ones wait for the interval", "[last_used]") {
    CoalescerFixture f;
    const auto a = f.token("a");
    LastUsedCoalescer c(f.repo, f.clock, seconds(60));
    c.record(a, f.now());
    CHECK(c.writes() == 1);
    CHECK(f.stored("a") == f.now());
    CHECK_FALSE(c.pending(a));

    f.clock.advance(seconds(10));
    c.record(a, f.now());
    CHECK(c.writes() == 1);
    CHECK(c.pending(a) == f.now());
    CHECK(f.stored("a") == f.now() - seconds(10));

    f.clock.advance(seconds(49));
    c.flush_due();
    CHECK(c.writes() == 1);
    f.clock.advance(seconds(1));
    c.flush_due();
    CHECK(c.writes() == 2);
    CHECK(f.stored("a") == f.now() - seconds(50));
    CHECK_FALSE(c.pending(a));
}

TEST_CASE("pending values only move forward and flush writes them all", "[last_used]") {
    CoalescerFixture f;
    const auto a = f.token("a");
    const auto b = f.token("b");
    LastUsedCoalescer c(f.repo, f.clock, seconds(60));
    c.record(a, f.now());
    c.record(b, f.now());
    CHECK(c.writes() == 2);
    c.record(a, f.now() + seconds(5));
    c.record(a, f.now() + seconds(3));
    c.record(b, f.now() + seconds(7));
    CHECK(c.pending(a) == f.now() + seconds(5));
    const int calls = f.repo.last_used_writes;
    REQUIRE(c.flush());
    CHECK(f.repo.last_used_writes == calls + 1);  // one transaction for both
    CHECK(c.writes() == 4);
    CHECK(f.stored("a") == f.now() + seconds(5));
    CHECK(f.stored("b") == f.now() + seconds(7));
    REQUIRE(c.flush());
    CHECK(c.writes() == 4);  // nothing left
}

TEST_CASE("a slow stream of uses writes once per interval", "[last_used]") {
    CoalescerFixture f;
    const auto a = f.token("a");
    LastUsedCoalescer c(f.repo, f.clock, seconds(60));
    for (int i = 0; i < 600; ++i) {  // ten minutes, one use per second
        c.record(a, f.now());
        f.clock.advance(seconds(1));
    }
    CHECK(c.writes() == 10);
}
