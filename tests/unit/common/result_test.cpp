#include "common/result.hpp"

#include <catch2/catch.hpp>
#include <string>

using pat::fail;
using pat::Result;

namespace {
Result<int, std::string> parse(bool good) {
    if (good) return 42;
    return fail(std::string("bad"));
}
Result<void, std::string> check(bool good) {
    if (good) return {};
    return fail(std::string("nope"));
}
}  // namespace

TEST_CASE("Result carries either a value or an error", "[result]") {
    auto ok = parse(true);
    REQUIRE(ok.ok());
    CHECK(*ok == 42);
    auto bad = parse(false);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "bad");
}

TEST_CASE("Result<void> reports only failure", "[result]") {
    CHECK(check(true).ok());
    CHECK(check(false).error() == "nope");
}

TEST_CASE("Result works when value and error have the same type", "[result]") {
    Result<std::string, std::string> r = fail(std::string("e"));
    CHECK_FALSE(r.ok());
    Result<std::string, std::string> v = std::string("v");
    CHECK(v.ok());
}
