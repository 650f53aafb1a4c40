// The PAT format both programs share; that it agrees with the tokens patd
// generates is tests/unit/tokenclient/pat_format_test.cpp.
#include "common/pat_format.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace pat;

namespace {
// A token built from the format alone: `prefix` + random part + checksum.
std::string make_token(std::string_view prefix, std::string_view random_part) {
    return std::string(prefix) + std::string(random_part) +
           base62_fixed(crc32(random_part), k_token_checksum_chars);
}
constexpr std::string_view k_random = "0123456789ABCDEFGHIJabcdefghij";
}  // namespace

TEST_CASE("the PAT format: prefix, 30 base62 characters, 6 of CRC32", "[common]") {
    REQUIRE(k_random.size() == k_token_random_chars);
    CHECK(crc32("123456789") == 0xCBF43926U);  // the standard check value
    const std::string token = make_token("dckr_pat_", k_random);
    CHECK(token.size() == 9 + 30 + 6);
    CHECK(is_well_formed_token("dckr_pat_", token));
    CHECK_FALSE(is_well_formed_token("glpat-", token));
    CHECK_FALSE(is_well_formed_token("dckr_pat_", token + "0"));
    CHECK(looks_like_pat(token));
    CHECK(looks_like_pat(make_token("", k_random)));
    CHECK(looks_like_pat(make_token("other-service_", k_random)));
}

TEST_CASE("the example token published in docs/token-format.md is this format", "[common]") {
    // tests/structure/token_format_doc_test.py runs the page's checker and
    // gitleaks rule against the same string.
    CHECK(make_token("dckr_pat_", k_random) == "dckr_pat_0123456789ABCDEFGHIJabcdefghij4Us3aw");
    CHECK(is_well_formed_token("dckr_pat_", "dckr_pat_0123456789ABCDEFGHIJabcdefghij4Us3aw"));
}

TEST_CASE("has_token_prefix judges the prefix alone; an empty prefix claims nothing", "[common]") {
    CHECK(has_token_prefix("dckr_pat_", "dckr_pat_"));
    CHECK(has_token_prefix("dckr_pat_", "dckr_pat_typo"));  // routed as a token, never a password
    CHECK_FALSE(has_token_prefix("dckr_pat_", "dckr_pa"));
    CHECK_FALSE(has_token_prefix("dckr_pat_", "hunter2"));
    CHECK_FALSE(has_token_prefix("", "dckr_pat_0123456789ABCDEFGHIJabcdefghij4Us3aw"));
}

TEST_CASE("looks_like_pat refuses a wrong checksum and characters outside base62", "[common]") {
    std::string token = make_token("dckr_pat_", k_random);
    token[12] = token[12] == 'x' ? 'y' : 'x';
    CHECK_FALSE(looks_like_pat(token));
    std::string dashed = make_token("", k_random);
    dashed[3] = '-';
    CHECK_FALSE(looks_like_pat(dashed));
    CHECK_FALSE(looks_like_pat(std::string(k_random)));
    CHECK_FALSE(looks_like_pat(""));
}
