// Every parser that sees untrusted input, fed random and mutated strings:
// it must answer (accept or refuse), never crash or read out of bounds (this
// test earns its keep under -DPAT_SANITIZE=ON). A deterministic stand-in for
// a fuzz target: fixed seeds, so failures reproduce.
#include <catch2/catch.hpp>

#include "patd/crypto/hmac.hpp"
#include "patd/crypto/random.hpp"
#include "patd/crypto/session_token.hpp"
#include "patd/crypto/token_format.hpp"
#include "patd/crypto/totp.hpp"
#include "patd/domain/scope.hpp"
#include "patd/domain/time.hpp"

using namespace pat::patd;
using pat::is_well_formed_token;

namespace {
// Random strings biased towards the characters the parsers care about.
std::string random_input(SeededRandom& random) {
    static const std::string k_alphabet =
        "repository(plugin):/alice,pull*push registry:catalog dckr_pat_0123456789AZaz"
        "-+.TZtz:=\\\x01\xff\xc3\xa9";
    std::uint8_t len = 0;
    random.fill(std::span(&len, 1));
    std::string s(len % 64, '\0');
    for (auto& c : s) {
        std::uint8_t b = 0;
        random.fill(std::span(&b, 1));
        c = (b & 0x80) ? static_cast<char>(b) : k_alphabet[b % k_alphabet.size()];
    }
    return s;
}

// `seed` with one byte changed, inserted or removed.
std::string mutate(std::string seed, SeededRandom& random) {
    std::uint8_t r[3];
    random.fill(r);
    const std::size_t at = seed.empty() ? 0 : r[0] % seed.size();
    switch (r[1] % 3) {
        case 0:
            if (!seed.empty()) seed[at] = static_cast<char>(r[2]);
            break;
        case 1:
            seed.insert(seed.begin() + static_cast<long>(at), static_cast<char>(r[2]));
            break;
        default:
            if (!seed.empty()) seed.erase(at, 1);
    }
    return seed;
}
}  // namespace

TEST_CASE("parsers of untrusted input survive random and mutated strings", "[robustness]") {
    SeededRandom random(20261129);
    const pat::Secret key = pat::Secret::copy_of(std::string(32, 'k'));
    const std::vector<std::string> seeds = {
        "repository:alice/app:pull,push",
        "repository(plugin):localhost:5000/a/b:*",
        "2021-07-20T12:00:00.123456+02:00",
        std::string(generate_token("dckr_pat_", random).reveal()),
        sign_session(SessionClaims{SessionKind::session, 1, "alice", "", {}, {}, "j"}, key),
        "GEZDGNBVGY3TQOJQ",
        "Zm9vYmFy",
    };
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string in =
            i % 2 ? random_input(random)
                  : mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], random);
        std::string out;
        accepted += parse_resource_scope(in).has_value();
        accepted += parse_resource_scopes(in).has_value();
        accepted += parse_rfc3339(in).has_value();
        accepted += parse_token_scope(in).has_value();
        accepted += is_well_formed_token("dckr_pat_", in);
        accepted += verify_session(in, SessionKind::session, key, {}).has_value();
        accepted += base64url_decode(in, out);
        accepted += base32_decode(in, out);
        accepted += verify_totp("12345678901234567890", in, {}).has_value();
    }
    // Some inputs parse: the generator does reach the interesting paths.
    CHECK(accepted > 1000);
}
