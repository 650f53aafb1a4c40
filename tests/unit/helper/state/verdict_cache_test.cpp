#include "helper/state/verdict_cache.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "temp_dir.hpp"

using pat::helper::VerdictCache;
using pat::tokenclient::TokenInfo;
using pat::tokenclient::TokenState;

namespace {

TokenInfo verdict(TokenState state, std::string generation) {
    TokenInfo info;
    info.state = state;
    info.kind = pat::tokenclient::ServiceKind::patd;
    info.scopes = {"repo:read", "repo:write"};
    info.uuid = "6f1c2a9e-0000-4000-8000-000000000001";
    info.reason = "token deactivated";
    info.checked_at = pat::tokenclient::TimePoint{std::chrono::seconds(1800000000)};
    info.generation = std::move(generation);
    return info;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("a verdict applies only to the generation it was made for", "[state][verdicts]") {
    pat::helper::test::TempDir dir;
    VerdictCache cache(dir.path + "/state/verdicts.json");
    CHECK_FALSE(cache.lookup("r.example", "g1"));  // no file
    CHECK(cache.load_all().empty());

    REQUIRE(cache.put("r.example", verdict(TokenState::inactive, "g1")));
    const auto hit = cache.lookup("r.example", "g1");
    REQUIRE(hit);
    CHECK(hit->state == TokenState::inactive);
    CHECK(hit->scopes == std::vector<std::string>{"repo:read", "repo:write"});
    CHECK(hit->uuid == "6f1c2a9e-0000-4000-8000-000000000001");
    CHECK(hit->reason == "token deactivated");
    CHECK(hit->checked_at == verdict(TokenState::inactive, "g1").checked_at);

    CHECK_FALSE(cache.lookup("r.example", "g2"));  // a newer token was stored
    CHECK_FALSE(cache.lookup("other.example", "g1"));
    CHECK_FALSE(cache.lookup("r.example", ""));

    // A verdict made without a generation never applies either.
    REQUIRE(cache.put("anon.example", verdict(TokenState::deleted, "")));
    CHECK_FALSE(cache.lookup("anon.example", ""));

    struct stat st {};
    REQUIRE(::stat((dir.path + "/state/verdicts.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat((dir.path + "/state").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("put replaces or removes one key; save replaces all", "[state][verdicts]") {
    pat::helper::test::TempDir dir;
    VerdictCache cache(dir.path + "/verdicts.json");
    REQUIRE(cache.put("a.example", verdict(TokenState::active, "ga")));
    REQUIRE(cache.put("b.example", verdict(TokenState::active, "gb")));
    REQUIRE(cache.put("a.example", verdict(TokenState::expired, "ga")));
    CHECK(cache.lookup("a.example", "ga")->state == TokenState::expired);
    CHECK(cache.load_all().size() == 2);

    REQUIRE(cache.put("a.example", std::nullopt));
    CHECK_FALSE(cache.lookup("a.example", "ga"));
    CHECK(cache.lookup("b.example", "gb"));
    REQUIRE(cache.put("absent.example", std::nullopt));

    REQUIRE(cache.save({{"c.example", verdict(TokenState::deleted, "gc")}}));
    const auto all = cache.load_all();
    REQUIRE(all.size() == 1);
    CHECK(all.at("c.example").state == TokenState::deleted);
    CHECK_FALSE(cache.lookup("b.example", "gb"));
}

TEST_CASE("a corrupt verdict file reads as empty and is repaired by the next write",
          "[state][verdicts]") {
    pat::helper::test::TempDir dir;
    const std::string path = dir.path + "/verdicts.json";
    VerdictCache cache(path);
    for (const std::string& text : std::vector<std::string>{
             "", "{", "not json", "[]", "{\"format\":2,\"verdicts\":{}}",
             "{\"format\":1,\"verdicts\":[]}", "{\"format\":1}", std::string("\xff\xfe", 2)}) {
        write_file(path, text);
        CHECK(cache.load_all().empty());
        CHECK_FALSE(cache.lookup("r.example", "g1"));
    }
    // A bad entry is skipped, good ones still read.
    write_file(path, R"({"format":1,"verdicts":{"bad":{"pat_state":5},"worse":"x",)"
                     R"("good":{"pat_state":"deleted","pat_gen":"g1"}}})");
    const auto all = cache.load_all();
    REQUIRE(all.size() == 1);
    CHECK(cache.lookup("good", "g1")->state == TokenState::deleted);

    write_file(path, "garbage");
    REQUIRE(cache.put("r.example", verdict(TokenState::active, "g1")));
    CHECK(cache.lookup("r.example", "g1"));
}

TEST_CASE("a verdict file that is a symbolic link is never followed", "[state][verdicts]") {
    pat::helper::test::TempDir dir;
    const std::string planted = dir.path + "/planted.json";
    const std::string path = dir.path + "/verdicts.json";
    write_file(planted,
               R"({"format":1,"verdicts":{"r.example":{"pat_state":"inactive","pat_gen":"g1"}}})");
    REQUIRE(::symlink(planted.c_str(), path.c_str()) == 0);
    VerdictCache cache(path);
    CHECK_FALSE(cache.lookup("r.example", "g1"));  // the planted verdict does not apply
    const auto found = cache.find("r.example", "g1");
    REQUIRE_FALSE(found);
    CHECK(found.error().code == pat::cred::Errc::unsafe_file);
    CHECK(found.error().message ==
          "verdict cache " + path + " is a symbolic link: not using it (remove it)");
    const auto put = cache.put("r.example", verdict(TokenState::active, "g1"));
    REQUIRE_FALSE(put);
    CHECK(put.error().code == pat::cred::Errc::unsafe_file);
    std::ifstream in(planted);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("inactive") != std::string::npos);  // untouched
}
