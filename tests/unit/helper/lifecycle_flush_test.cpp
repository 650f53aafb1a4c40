// run_flush over a MemoryStore and the scripted token service: uses are
// delivered or kept, verdicts refreshed per generation, one flush at a time.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "helper/lifecycle/flush.hpp"
#include "helper/state/token_metadata.hpp"
#include "lifecycle_fixture.hpp"

using namespace pat;
using namespace pat::helper;
using test::k_key;
using tokenclient::TokenInfo;
using tokenclient::TokenState;

namespace {

struct Fixture : test::LifecycleFixture {
    FlushReport flush() {
        auto report = run_flush(inner, service, config, clock);
        REQUIRE(report);
        return *report;
    }
};

}  // namespace

TEST_CASE("flush: spooled uses are posted once with the latest use time") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.store().get(k_key));
    f.clock.advance(std::chrono::seconds(5));
    REQUIRE(f.store().get(k_key));
    auto report = f.flush();
    CHECK(report.uses_delivered == 1);
    CHECK(report.uses_kept == 0);
    REQUIRE(f.service.usage.size() == 1);
    CHECK(f.service.usage[0].first == k_key);
    CHECK(f.service.usage[0].second == f.clock.now());
    CHECK(f.spool->pending()->empty());
    CHECK(f.flush().uses_delivered == 0);  // nothing twice
}

TEST_CASE("flush: with the service down uses stay in the spool and replay later") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.store().get(k_key));
    const auto used_at = f.clock.now();
    f.service.unreachable = true;
    auto down = f.flush();
    CHECK(down.uses_delivered == 0);
    CHECK(down.uses_kept == 1);
    CHECK(down.verdicts_refreshed == 0);
    CHECK(f.spool->pending()->count(k_key) == 1);

    f.service.unreachable = false;
    f.clock.advance(std::chrono::minutes(10));
    auto up = f.flush();
    CHECK(up.uses_delivered == 1);
    REQUIRE(f.service.usage.size() == 1);
    CHECK(f.service.usage[0].second == used_at);  // the time of the use, not of the flush
}

TEST_CASE("flush: uses of a key this keychain lacks are kept a week, then dropped") {
    Fixture f;
    REQUIRE(f.spool->append(k_key, f.clock.now()));
    auto report = f.flush();
    CHECK(report.uses_delivered == 0);
    CHECK(report.uses_kept == 1);  // another keychain (another flush) may hold the key
    CHECK(f.spool->pending()->count(k_key) == 1);
    f.clock.advance(std::chrono::hours(24 * 7 + 1));
    report = f.flush();
    CHECK(report.uses_kept == 0);
    CHECK(f.service.usage.empty());
    CHECK(f.spool->pending()->empty());
}

TEST_CASE("flush: a deactivated token is found, and the next get drops it") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.add("dckr_pat_good", "other.example"));
    CHECK(f.flush().verdicts_refreshed == 2);
    REQUIRE(f.store().get(k_key));

    f.service.tokens["dckr_pat_good"].state = TokenState::inactive;
    f.clock.advance(std::chrono::minutes(1));
    CHECK(f.flush().verdicts_refreshed == 2);
    const auto gen = helper::from_metadata(f.inner.get(k_key)->metadata).generation;
    auto verdict = f.verdicts->lookup(k_key, gen);
    REQUIRE(verdict);
    CHECK(verdict->state == TokenState::inactive);
    CHECK(verdict->checked_at == f.clock.now());

    auto got = f.store().get(k_key);
    REQUIRE_FALSE(got);
    CHECK(got.error().code == cred::Errc::not_found);
    CHECK(f.inner.get(k_key).error().code == cred::Errc::not_found);
    CHECK(f.verdicts->load_all().count(k_key) == 0);
    CHECK(f.verdicts->load_all().count("other.example") == 1);
}

TEST_CASE("flush: an item stored while the service was down is checked once it is back") {
    Fixture f;
    f.service.unreachable = true;
    REQUIRE(f.add("dckr_pat_good"));
    f.service.unreachable = false;
    CHECK(f.flush().verdicts_refreshed == 1);
    const auto gen = helper::from_metadata(f.inner.get(k_key)->metadata).generation;
    REQUIRE(f.verdicts->lookup(k_key, gen));
    CHECK(f.verdicts->lookup(k_key, gen)->state == TokenState::active);
}

TEST_CASE("flush: a verdict younger than the flush interval is not asked again") {
    Fixture f;
    REQUIRE(f.add("dckr_pat_good"));
    CHECK(f.flush().verdicts_refreshed == 1);
    f.clock.advance(std::chrono::seconds(59));
    f.service.validated.clear();
    CHECK(f.flush().verdicts_refreshed == 0);
    CHECK(f.service.validated.empty());
    f.clock.advance(std::chrono::seconds(1));
    CHECK(f.flush().verdicts_refreshed == 1);
}

TEST_CASE("flush: items of other tools and of no service are not checked") {
    Fixture f;
    f.exchange = false;
    REQUIRE(f.add("hunter2", "password.example"));  // a password kept as it is
    REQUIRE(f.store().add(
        cred::Credentials{"hub.example", "<token>", Secret::copy_of("identity"), {}}));
    REQUIRE(f.inner.add(cred::Credentials{k_key, "bob", Secret::copy_of("pw"), {}}));
    f.service.kind = tokenclient::ServiceKind::none;
    REQUIRE(f.store().add(cred::Credentials{"plain.example", "bob", Secret::copy_of("pw"), {}}));
    f.service.validated.clear();
    CHECK(f.flush().verdicts_refreshed == 0);
    CHECK(f.service.validated.empty());
    REQUIRE(f.store().get("password.example"));  // not judged, not dropped
}

TEST_CASE("flush: a second flush while one holds the lock returns at once") {
    Fixture f;
    REQUIRE(ensure_private_dir(f.config.paths.state_dir));
    const int fd = ::open(f.config.paths.flush_lock().c_str(), O_RDWR | O_CREAT, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    REQUIRE(f.add("dckr_pat_good"));
    REQUIRE(f.store().get(k_key));
    auto report = f.flush();
    CHECK(report.already_running == 1);
    CHECK(f.service.usage.empty());
    ::close(fd);
    CHECK(f.flush().uses_delivered == 1);
}

TEST_CASE("flush: each stored secret is checked and reported at the service recorded with it") {
    Fixture f;
    f.service.tokens["dckr_pat_good"].service_url = "http://a.example";
    REQUIRE(f.add("dckr_pat_good"));
    // Stored while its (configured) service was down: that service is
    // recorded, so the retry goes there and not wherever the flush's
    // environment points.
    f.service.unreachable = true;
    f.service.configured = "http://b.example";
    REQUIRE(f.add("dckr_pat_good", "down.example"));
    CHECK(f.stored("down.example").metadata.at("pat_service") == "http://b.example");
    f.service.unreachable = false;
    f.service.configured = "http://elsewhere.example";
    REQUIRE(f.store().get(k_key));
    // A secret being stored is checked as configured (nullopt), once each.
    REQUIRE(f.service.validated_for.size() == 2);
    CHECK_FALSE(f.service.validated_for[0]);
    CHECK_FALSE(f.service.validated_for[1]);

    f.service.validated.clear();
    f.service.validated_for.clear();
    CHECK(f.flush().verdicts_refreshed == 2);
    std::map<std::string, tokenclient::StoredService> asked;
    for (std::size_t i = 0; i < f.service.validated.size(); ++i)
        asked[f.service.validated[i]] = f.service.validated_for[i];
    CHECK(asked == std::map<std::string, tokenclient::StoredService>{
                       {k_key, "http://a.example"}, {"down.example", "http://b.example"}});
    CHECK(f.service.reported_for == std::vector<tokenclient::StoredService>{"http://a.example"});
}
