// The helper's looks_like_pat must agree with the tokens patd generates
// (docs/patd-core.md "Tokens"), with any prefix.
#include "common/pat_format.hpp"

#include <catch2/catch.hpp>

#include "patd/crypto/random.hpp"
#include "patd/crypto/token_format.hpp"

using pat::looks_like_pat;

TEST_CASE("looks_like_pat accepts every token patd generates", "[tokenclient]") {
    pat::patd::SeededRandom random(42);
    for (const char* prefix : {"dckr_pat_", "", "acme_"}) {
        for (int i = 0; i < 200; ++i) {
            const pat::Secret token = pat::patd::generate_token(prefix, random);
            INFO("prefix " << prefix << ", token " << i);
            REQUIRE(looks_like_pat(token.reveal()));
        }
    }
}

TEST_CASE("looks_like_pat refuses passwords and altered tokens", "[tokenclient]") {
    pat::patd::SeededRandom random(7);
    const pat::Secret token = pat::patd::generate_token("dckr_pat_", random);
    std::string altered(token.reveal());
    altered[12] = altered[12] == 'a' ? 'b' : 'a';  // a random char: the checksum no longer fits
    CHECK_FALSE(looks_like_pat(altered));
    CHECK_FALSE(looks_like_pat(std::string(token.reveal()).substr(0, token.size() - 1)));
    CHECK_FALSE(looks_like_pat("correct horse battery staple"));
    CHECK_FALSE(looks_like_pat("pw-alice-0123456789abcdefghijklmnopqrstuvwxyz"));
    CHECK_FALSE(looks_like_pat(""));
    pat::wipe_string(altered);
}
