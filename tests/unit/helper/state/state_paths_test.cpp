#include "helper/state/state_paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>

#include "temp_dir.hpp"

using pat::helper::ensure_private_dir;
using pat::helper::state_paths;

namespace {

pat::cred::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("state paths follow XDG, then HOME", "[state][paths]") {
    auto paths = state_paths(env_of({{"HOME", "/home/u"}}));
    REQUIRE(paths);
    CHECK(paths->state_dir == "/home/u/.local/state/docker-credential-pat");
    CHECK(paths->cache_dir == "/home/u/.cache/docker-credential-pat");
    CHECK(paths->spool() == "/home/u/.local/state/docker-credential-pat/usage.spool");
    CHECK(paths->verdicts() == "/home/u/.local/state/docker-credential-pat/verdicts.json");
    CHECK(paths->flush_lock() == "/home/u/.local/state/docker-credential-pat/flush.lock");
    CHECK(paths->services_cache() == "/home/u/.cache/docker-credential-pat/services.json");

    paths = state_paths(
        env_of({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "/s"}, {"XDG_CACHE_HOME", "/c"}}));
    REQUIRE(paths);
    CHECK(paths->state_dir == "/s/docker-credential-pat");
    CHECK(paths->cache_dir == "/c/docker-credential-pat");
}

TEST_CASE("relative XDG values are ignored, the override wins", "[state][paths]") {
    auto paths = state_paths(
        env_of({{"HOME", "/home/u"}, {"XDG_STATE_HOME", "rel"}, {"XDG_CACHE_HOME", "rel2"}}));
    REQUIRE(paths);
    CHECK(paths->state_dir == "/home/u/.local/state/docker-credential-pat");
    CHECK(paths->cache_dir == "/home/u/.cache/docker-credential-pat");

    paths =
        state_paths(env_of({{"HOME", "/home/u"}, {"DOCKER_CREDENTIAL_PAT_STATE_DIR", "/ci/st"}}));
    REQUIRE(paths);
    CHECK(paths->state_dir == "/ci/st");
    CHECK(paths->cache_dir == "/home/u/.cache/docker-credential-pat");

    // A CI job with only the override: the cache sits inside it.
    paths = state_paths(env_of({{"DOCKER_CREDENTIAL_PAT_STATE_DIR", "/ci/st"}}));
    REQUIRE(paths);
    CHECK(paths->cache_dir == "/ci/st/cache");
}

TEST_CASE("no absolute HOME nor XDG gives no state paths", "[state][paths]") {
    CHECK_FALSE(state_paths(env_of({})));
    CHECK_FALSE(state_paths(env_of({{"HOME", "relative"}})));
    CHECK_FALSE(state_paths(env_of({{"DOCKER_CREDENTIAL_PAT_STATE_DIR", "relative"}})));
}

TEST_CASE("ensure_private_dir creates missing parents 0700 and keeps existing ones",
          "[state][paths]") {
    pat::helper::test::TempDir dir;
    REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
    const std::string deep = dir.path + "/a/b/c";
    REQUIRE(ensure_private_dir(deep));
    CHECK(mode_of(dir.path) == 0755);  // not ours to change
    CHECK(mode_of(dir.path + "/a") == 0700);
    CHECK(mode_of(dir.path + "/a/b") == 0700);
    CHECK(mode_of(deep) == 0700);
    REQUIRE(ensure_private_dir(deep));  // idempotent

    const auto relative = ensure_private_dir("relative/dir");
    REQUIRE_FALSE(relative);
    CHECK(relative.error().code == pat::cred::Errc::bad_input);

    REQUIRE(::close(::creat((dir.path + "/file").c_str(), 0600)) == 0);
    const auto blocked = ensure_private_dir(dir.path + "/file/sub");
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().message == "not a directory: " + dir.path + "/file");
}
