#include "helper/state/state_paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
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

TEST_CASE("ensure_private_dir refuses an existing directory others could plant files in",
          "[state][paths]") {
    pat::helper::test::TempDir dir;
    const std::string state = dir.path + "/state";
    REQUIRE(::mkdir(state.c_str(), 0700) == 0);
    REQUIRE(ensure_private_dir(state));

    for (const unsigned mode : {0777U, 0770U, 0702U, 01777U}) {
        REQUIRE(::chmod(state.c_str(), mode) == 0);
        const auto refused = ensure_private_dir(state);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == pat::cred::Errc::unsafe_file);
        char shown[8];
        std::snprintf(shown, sizeof shown, "%04o", mode);
        CHECK(refused.error().message == "the state directory " + state +
                                             " is writable by group or others (mode " + shown +
                                             "; chmod 700 it)");
    }
    REQUIRE(::chmod(state.c_str(), 0750) == 0);  // readable by the group is fine
    CHECK(ensure_private_dir(state));

    const std::string link = dir.path + "/link";
    REQUIRE(::symlink(state.c_str(), link.c_str()) == 0);
    const auto linked = ensure_private_dir(link);
    REQUIRE_FALSE(linked);
    CHECK(linked.error().code == pat::cred::Errc::unsafe_file);
    CHECK(linked.error().message == "the state directory " + link + " is a symbolic link");

    if (::geteuid() == 0) {  // only root can give a directory away
        REQUIRE(::chown(state.c_str(), 65534, 65534) == 0);
        const auto foreign = ensure_private_dir(state);
        REQUIRE_FALSE(foreign);
        CHECK(foreign.error().message ==
              "the state directory " + state + " belongs to uid 65534, not to uid 0");
    }
}

TEST_CASE("state files are never read or written through a symbolic link", "[state][paths]") {
    pat::helper::test::TempDir dir;
    const std::string target = dir.path + "/target.json";
    const std::string link = dir.path + "/ci.json";
    {
        const int fd = ::creat(target.c_str(), 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, "{\"planted\":1}", 13) == 13);
        ::close(fd);
    }
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
    const auto read = pat::helper::read_state_file("ci login state", link);
    REQUIRE_FALSE(read);
    CHECK(read.error().code == pat::cred::Errc::unsafe_file);
    CHECK(read.error().message ==
          "ci login state " + link + " is a symbolic link: not using it (remove it)");
    // Written by rename over the link: the target keeps its content.
    REQUIRE(pat::helper::write_state_file("ci login state", link, "{}\n"));
    auto again = pat::helper::read_state_file("ci login state", link);
    REQUIRE(again);
    CHECK(**again == "{}\n");
    auto planted = pat::helper::read_state_file("ci login state", target);
    REQUIRE(planted);
    CHECK(**planted == "{\"planted\":1}");
    CHECK(pat::helper::read_state_file("ci login state", dir.path + "/missing.json")->has_value() ==
          false);
}
