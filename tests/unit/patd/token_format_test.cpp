#include "patd/crypto/token_format.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace pat::patd;
using pat::base62_fixed;
using pat::crc32;
using pat::is_well_formed_token;
using pat::k_token_random_chars;

TEST_CASE("CRC32 matches the standard check value", "[token]") {
    CHECK(crc32("123456789") == 0xCBF43926U);
    CHECK(crc32("") == 0U);
}

TEST_CASE("base62_fixed pads and encodes", "[token]") {
    CHECK(base62_fixed(0, 6) == "000000");
    CHECK(base62_fixed(61, 2) == "0z");
    CHECK(base62_fixed(62, 2) == "10");
    CHECK(base62_fixed(0xFFFFFFFFU, 6) == "4gfFC3");
}

TEST_CASE("generated tokens have the prefix, 36 base62 chars and a valid checksum", "[token]") {
    auto& random = os_random();
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const pat::Secret t = generate_token("dckr_pat_", random);
        const std::string_view s = t.reveal();
        REQUIRE(s.size() == 9 + 36);
        CHECK(s.starts_with("dckr_pat_"));
        CHECK(is_well_formed_token("dckr_pat_", s));
        seen.emplace(s);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("30 base62 chars carry at least 150 bits", "[token]") {
    // log2(62) * 30 = 178.6
    CHECK(k_token_random_chars * 5.954 >= 150.0);
}

TEST_CASE("malformed tokens are rejected by the pure check", "[token]") {
    SeededRandom random(7);
    const pat::Secret good = generate_token("dckr_pat_", random);
    std::string t(good.reveal());
    REQUIRE(is_well_formed_token("dckr_pat_", t));

    SECTION("wrong prefix") {
        CHECK_FALSE(is_well_formed_token("glpat-", t));
    }
    SECTION("one char changed breaks the checksum") {
        t[12] = t[12] == 'a' ? 'b' : 'a';
        CHECK_FALSE(is_well_formed_token("dckr_pat_", t));
    }
    SECTION("checksum changed") {
        t.back() = t.back() == '0' ? '1' : '0';
        CHECK_FALSE(is_well_formed_token("dckr_pat_", t));
    }
    SECTION("too short / too long") {
        CHECK_FALSE(is_well_formed_token("dckr_pat_", t.substr(0, t.size() - 1)));
        CHECK_FALSE(is_well_formed_token("dckr_pat_", t + "0"));
    }
    SECTION("non-base62 characters") {
        t[10] = '-';
        CHECK_FALSE(is_well_formed_token("dckr_pat_", t));
    }
    SECTION("empty and prefix only") {
        CHECK_FALSE(is_well_formed_token("dckr_pat_", ""));
        CHECK_FALSE(is_well_formed_token("dckr_pat_", "dckr_pat_"));
    }
    SECTION("a custom prefix works") {
        const pat::Secret other = generate_token("acme_", random);
        CHECK(is_well_formed_token("acme_", other.reveal()));
        CHECK_FALSE(is_well_formed_token("dckr_pat_", other.reveal()));
    }
}
