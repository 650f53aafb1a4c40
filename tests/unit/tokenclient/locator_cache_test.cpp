// ServiceLocator's cache, with a ManualClock. The services configured here
// point at 127.0.0.1:1, where nothing listens: any lookup that is not
// answered from the cache fails fast with service_unreachable, which is how
// these tests see whether the cache was used.
#include "tokenclient/locator_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tokenclient/service_locator.hpp"

using namespace pat::tokenclient;
using namespace std::chrono_literals;

namespace {

constexpr const char* k_dead_url = "http://127.0.0.1:1";

struct TempDir {
    std::string path;
    TempDir() {
        std::string templ = "/tmp/tokenclient-unit.XXXXXX";
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::int64_t seconds(const pat::Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

CachedEndpoint patd_entry(std::int64_t at, const std::string& configured = k_dead_url) {
    CachedEndpoint e;
    e.endpoint.kind = ServiceKind::patd;
    e.endpoint.patd_url = "http://127.0.0.1:5001";
    e.endpoint.source = "config file";
    e.configured = configured;
    e.stored_at = at;
    return e;
}

LocatorOptions options_with(const std::string& cache) {
    LocatorOptions o;
    o.services["reg.test"] = k_dead_url;
    o.cache_path = cache;
    o.cache_ttl = 3600s;
    o.negative_cache_ttl = 300s;
    o.deadline = 1000ms;
    return o;
}

}  // namespace

TEST_CASE("The locator cache round-trips and is private", "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/sub/services.json";
    LocatorCache cache;
    cache["reg.test"] = patd_entry(1234);
    cache["hub"].endpoint.kind = ServiceKind::registry;
    cache["hub"].endpoint.challenge = {"https://auth.docker.io/token", "registry.docker.io"};
    cache["hub"].stored_at = 99;
    write_locator_cache(path, cache);

    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const LocatorCache back = read_locator_cache(path);
    REQUIRE(back.size() == 2);
    CHECK(back.at("reg.test").endpoint.kind == ServiceKind::patd);
    CHECK(back.at("reg.test").endpoint.patd_url == "http://127.0.0.1:5001");
    CHECK(back.at("reg.test").configured == k_dead_url);
    CHECK(back.at("reg.test").stored_at == 1234);
    CHECK(back.at("hub").endpoint.challenge.realm == "https://auth.docker.io/token");
    CHECK(back.at("hub").endpoint.challenge.service == "registry.docker.io");
}

TEST_CASE("A missing or corrupt cache reads as empty", "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    CHECK(read_locator_cache(path).empty());
    for (const char* text : {"", "{", "[]", R"({"version":2,"entries":{}})",
                             R"({"version":1,"entries":{"k":{"kind":"ftp","stored_at":1}}})",
                             R"({"version":1,"entries":{"k":{"kind":"patd"}}})"}) {
        std::ofstream(path) << text;
        CHECK(read_locator_cache(path).empty());
    }
}

TEST_CASE("locate answers from the cache within the TTL only", "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    pat::ManualClock clock;
    write_locator_cache(path, {{"reg.test", patd_entry(seconds(clock))}});
    ServiceLocator locator(options_with(path), clock);

    auto hit = locator.locate("reg.test");
    REQUIRE(hit.ok());
    CHECK(hit->kind == ServiceKind::patd);
    CHECK(hit->patd_url == "http://127.0.0.1:5001");

    clock.advance(3599s);
    CHECK(locator.locate("reg.test").ok());

    clock.advance(1s);  // past the TTL: asks the (dead) service
    auto miss = locator.locate("reg.test");
    REQUIRE_FALSE(miss.ok());
    CHECK(miss.error().code == pat::err::Errc::service_unreachable);
    CHECK(miss.error().message.find("http://127.0.0.1:1") != std::string::npos);
    // an unreachable service is not cached: the stale entry is still there
    CHECK(read_locator_cache(path).at("reg.test").stored_at + 3600 == seconds(clock));
}

TEST_CASE("A cached 'no service' expires with the negative TTL", "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    pat::ManualClock clock;
    CachedEndpoint none;
    none.configured = k_dead_url;
    none.stored_at = seconds(clock);
    write_locator_cache(path, {{"reg.test", none}});
    ServiceLocator locator(options_with(path), clock);
    auto hit = locator.locate("reg.test");
    REQUIRE(hit.ok());
    CHECK(hit->kind == ServiceKind::none);
    clock.advance(300s);
    CHECK_FALSE(locator.locate("reg.test").ok());
}

TEST_CASE("A cache entry from another configuration or the future is ignored",
          "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    pat::ManualClock clock;
    ServiceLocator locator(options_with(path), clock);

    write_locator_cache(path, {{"reg.test", patd_entry(seconds(clock), "http://elsewhere:5001")}});
    CHECK_FALSE(locator.locate("reg.test").ok());

    write_locator_cache(path, {{"reg.test", patd_entry(seconds(clock) + 60)}});
    CHECK_FALSE(locator.locate("reg.test").ok());
}

TEST_CASE("forget drops one entry", "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    pat::ManualClock clock;
    write_locator_cache(
        path, {{"reg.test", patd_entry(seconds(clock))}, {"other", patd_entry(seconds(clock))}});
    ServiceLocator locator(options_with(path), clock);
    locator.forget("reg.test");
    const auto left = read_locator_cache(path);
    CHECK(left.count("reg.test") == 0);
    CHECK(left.count("other") == 1);
    CHECK_FALSE(locator.locate("reg.test").ok());
}

TEST_CASE("The locator cache is used only in a private directory, never through a link",
          "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    LocatorCache cache;
    cache["reg.test"] = patd_entry(1234);
    write_locator_cache(path, cache);
    REQUIRE(read_locator_cache(path).size() == 1);

    // A directory others can write: an entry planted there would send the
    // next stored secret to their service.
    REQUIRE(::chmod(dir.path.c_str(), 0777) == 0);
    CHECK(read_locator_cache(path).empty());
    cache["other.test"] = patd_entry(1);
    write_locator_cache(path, cache);
    REQUIRE(::chmod(dir.path.c_str(), 0700) == 0);
    CHECK(read_locator_cache(path).size() == 1);  // the write was refused too

    const std::string link = dir.path + "/linked.json";
    REQUIRE(::symlink(path.c_str(), link.c_str()) == 0);
    CHECK(read_locator_cache(link).empty());
}

TEST_CASE("A stored secret is located at the service recorded with it, never the environment's",
          "[tokenclient][locator]") {
    TempDir dir;
    const std::string path = dir.path + "/services.json";
    pat::ManualClock clock;
    const std::string recorded = "http://127.0.0.1:5001";
    LocatorCache cache;
    cache["reg.test"] = patd_entry(seconds(clock), recorded);
    write_locator_cache(path, cache);

    LocatorOptions options = options_with(path);
    options.backend_url = "http://127.0.0.1:2";  // set later, in another shell
    ServiceLocator locator(options, clock);
    const auto until = std::chrono::steady_clock::now() + 1s;
    const auto stored = locator.locate_stored("reg.test", recorded, until);
    REQUIRE(stored);
    CHECK(stored->patd_url == recorded);
    // A secret being stored now goes to the environment's service (dead here).
    CHECK(locator.locate("reg.test", until).error().code == pat::err::Errc::service_unreachable);

    // An endpoint whose secret would go elsewhere is refused, without a request.
    cache["reg.test"] = patd_entry(seconds(clock), "http://127.0.0.1:5002");
    write_locator_cache(path, cache);
    const auto moved =
        ServiceLocator(options, clock).locate_stored("reg.test", "http://127.0.0.1:5002", until);
    REQUIRE_FALSE(moved);
    CHECK(moved.error().code == pat::err::Errc::service_rejected);
    CHECK(moved.error().message ==
          "the token for reg.test was stored for http://127.0.0.1:5002, and reg.test now names "
          "http://127.0.0.1:5001; not sending it there (log in again)");

    // Nothing recorded: the config file's service, not the environment's.
    LocatorOptions unset = options;
    unset.services.clear();
    cache["other.test"] = patd_entry(seconds(clock), "");
    write_locator_cache(path, cache);
    const auto found = ServiceLocator(unset, clock).locate_stored("other.test", "", until);
    REQUIRE(found);
    CHECK(found->patd_url == "http://127.0.0.1:5001");
}
