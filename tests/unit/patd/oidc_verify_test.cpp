// ID-token verification pieces of keyless CI (src/patd/oidc): JWK parsing,
// RS256/ES256 signatures, the registered-claim checks, policy globs, the
// fetch-URL rules and the issuers' key cache.
#include <catch2/catch.hpp>

#include "common/clock.hpp"
#include "oidc_test_issuer.hpp"
#include "patd/oidc/claims_check.hpp"
#include "patd/oidc/id_token.hpp"
#include "patd/oidc/jwk.hpp"
#include "patd/oidc/key_cache.hpp"

using namespace pat::patd::oidc;
using namespace oidc_test;
using std::chrono::seconds;

namespace {

const TestKey& rsa_key() {
    static const TestKey k = TestKey::rsa("rsa-1");
    return k;
}
const TestKey& ec_key() {
    static const TestKey k = TestKey::p256("ec-1");
    return k;
}

std::optional<PublicKey> key_of(const TestKey& k) {
    return parse_jwk(k.jwk().dump());
}

}  // namespace

TEST_CASE("a JWKS yields its RSA and P-256 signing keys and skips the rest", "[oidc][jwk]") {
    json doc = jwks_of({&rsa_key(), &ec_key()});
    doc["keys"].push_back({{"kty", "OKP"}, {"crv", "Ed25519"}, {"kid", "ed"}, {"x", "AAAA"}});
    auto enc = rsa_key().jwk();
    enc["kid"] = "enc";
    enc["use"] = "enc";
    doc["keys"].push_back(enc);
    auto nokid = ec_key().jwk();
    nokid.erase("kid");
    doc["keys"].push_back(nokid);
    auto other_alg = rsa_key().jwk();
    other_alg["kid"] = "rs512";
    other_alg["alg"] = "RS512";
    doc["keys"].push_back(other_alg);
    auto keys = parse_jwks(doc.dump());
    REQUIRE(keys.ok());
    REQUIRE(keys->size() == 2);
    CHECK((*keys)[0].kid == "rsa-1");
    CHECK((*keys)[0].alg == Alg::rs256);
    CHECK((*keys)[1].kid == "ec-1");
    CHECK((*keys)[1].alg == Alg::es256);
}

TEST_CASE("a JWKS that is not a key set, or too large, is refused as a whole", "[oidc][jwk]") {
    CHECK(parse_jwks("[]").error() == "JWKS is not a JSON object");
    CHECK(parse_jwks("{\"keys\":{}}").error() == "JWKS has no \"keys\" array");
    json many = {{"keys", json::array()}};
    for (int i = 0; i < 65; ++i) many["keys"].push_back(ec_key().jwk());
    CHECK(parse_jwks(many.dump()).error() == "JWKS has 65 keys (at most 64)");
}

TEST_CASE("weak RSA keys and EC points off the curve are not keys", "[oidc][jwk]") {
    CHECK_FALSE(parse_jwk(TestKey::rsa("small", 1024).jwk().dump()));
    auto bad = ec_key().jwk();
    std::string y = *pat::base64url_decode(bad["y"].get<std::string>());
    y[31] = static_cast<char>(y[31] ^ 1);
    bad["y"] = base64url_encode(y);
    CHECK_FALSE(parse_jwk(bad.dump()));
    auto rsa_as_ec = rsa_key().jwk();
    rsa_as_ec["alg"] = "ES256";
    CHECK_FALSE(parse_jwk(rsa_as_ec.dump()));
}

TEST_CASE("RS256 and ES256 signatures verify and tampering does not", "[oidc][signature]") {
    const json claims = {{"iss", "https://ci.example"}, {"sub", "repo:acme/app"}};
    for (const TestKey* k : {&rsa_key(), &ec_key()}) {
        const std::string jws = k->token(claims);
        auto decoded = decode_id_token(jws);
        REQUIRE(decoded.ok());
        CHECK(decoded->kid == k->kid);
        CHECK(decoded->claims == claims);
        const auto key = key_of(*k);
        REQUIRE(key);
        CHECK(verify_signature(*decoded, *key));

        json forged = claims;
        forged["sub"] = "repo:evil/app";
        const auto dot = jws.find('.');
        const auto dot2 = jws.find('.', dot + 1);
        const std::string swapped =
            jws.substr(0, dot + 1) + base64url_encode(forged.dump()) + jws.substr(dot2);
        CHECK_FALSE(verify_signature(*decode_id_token(swapped), *key));
    }
    // A valid RSA signature is no ES256 signature, and the other way round.
    auto rs = decode_id_token(rsa_key().token(claims));
    CHECK_FALSE(verify_signature(*rs, *key_of(ec_key())));
    auto es = decode_id_token(ec_key().token(claims));
    CHECK_FALSE(verify_signature(*es, *key_of(rsa_key())));
}

TEST_CASE("alg none and HS256 keyed with the public key never verify", "[oidc][signature]") {
    const json claims = {{"iss", "https://ci.example"}};
    const auto key = key_of(rsa_key());
    const std::string input = base64url_encode(json{{"alg", "none"}, {"kid", "rsa-1"}}.dump()) +
                              "." + base64url_encode(claims.dump());
    auto none = decode_id_token(input + ".");
    REQUIRE(none.ok());
    CHECK(none->alg == "none");
    CHECK_FALSE(parse_alg(none->alg));
    CHECK_FALSE(verify_signature(*none, *key));
    // HS256 with the RSA modulus as the MAC key (the classic confusion).
    auto hs = rsa_key().token(claims, {{"alg", "HS256"}});
    CHECK_FALSE(verify_signature(*decode_id_token(hs), *key));
}

TEST_CASE("malformed ID tokens are refused with what is wrong", "[oidc][format]") {
    const std::string shape = "is not a JWS in compact form (three base64url parts)";
    CHECK(decode_id_token("abc").error() == shape);
    CHECK(decode_id_token("a.b.c.d").error() == shape);
    CHECK(decode_id_token("a+.b.c").error() == shape);
    CHECK(decode_id_token(base64url_encode("[1]") + ".e30.").error() ==
          "has a header that is not a JSON object");
    CHECK(decode_id_token("e30." + base64url_encode("nope") + ".").error() ==
          "has claims that are not a JSON object");
    CHECK(decode_id_token(std::string(std::size_t{17} * 1024, 'a')).error() ==
          "is larger than 16 KiB");
}

TEST_CASE("iss, aud, exp, nbf, iat and jti are checked with a small skew", "[oidc][claims]") {
    const auto now = std::chrono::system_clock::time_point(seconds(1'700'000'000));
    const double t = 1'700'000'000;
    json c = {{"iss", "https://ci.example"},
              {"aud", "patd"},
              {"exp", t + 300},
              {"iat", t - 10},
              {"nbf", t - 10},
              {"jti", "j1"}};
    CHECK_FALSE(check_issuer(c, "https://ci.example"));
    CHECK(*check_issuer(c, "https://ci.example/") == "iss does not name the issuer");
    CHECK_FALSE(check_audience(c, "patd"));
    CHECK(*check_audience(c, "other") == "aud does not contain 'other'");
    c["aud"] = json::array({"x", "patd"});
    CHECK_FALSE(check_audience(c, "patd"));
    CHECK_FALSE(check_times(c, now));
    CHECK_FALSE(check_jti(c));

    json e = c;
    e["exp"] = t - 31;
    CHECK(*check_times(e, now) == "has expired (exp)");
    e["exp"] = t - 29;  // within the skew
    CHECK_FALSE(check_times(e, now));
    e["exp"] = t + 8 * 24 * 3600;
    CHECK(*check_times(e, now) == "is valid for more than 7 days (exp)");
    e.erase("exp");
    CHECK(*check_times(e, now) == "has no numeric exp claim");
    json n = c;
    n["nbf"] = t + 31;
    CHECK(*check_times(n, now) == "is not valid yet (nbf)");
    n["nbf"] = "soon";
    CHECK(*check_times(n, now) == "has a nbf claim that is not a number");
    json i = c;
    i["iat"] = t + 31;
    CHECK(*check_times(i, now) == "was issued in the future (iat)");
    json j = c;
    j["jti"] = "";
    CHECK(*check_jti(j) == "has no jti claim (needed to refuse replays)");
    j["jti"] = std::string(257, 'j');
    CHECK(*check_jti(j) == "has a jti longer than 256 bytes");
}

TEST_CASE("policy conditions match exactly or by glob, and arrays by any element",
          "[oidc][claims]") {
    CHECK(glob_match("acme/app", "acme/app"));
    CHECK_FALSE(glob_match("acme/app", "acme/app2"));
    CHECK(glob_match("acme/*", "acme/app"));
    CHECK(glob_match("acme/*", "acme/"));
    CHECK_FALSE(glob_match("acme/*", "acmex/app"));
    CHECK(glob_match("refs/heads/release-?", "refs/heads/release-1"));
    CHECK_FALSE(glob_match("refs/heads/release-?", "refs/heads/release-10"));
    CHECK(glob_match("*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main"));
    CHECK(glob_match("a\\*b", "a*b"));
    CHECK_FALSE(glob_match("a\\*b", "axb"));
    CHECK(glob_match("*a*a*a*a*a*b", std::string(60, 'a') + "b"));
    CHECK_FALSE(glob_match("*a*a*a*a*a*b", std::string(2000, 'a')));

    const json claims = {{"repository", "acme/app"},
                         {"ref", "refs/heads/main"},
                         {"groups", json::array({"dev", "ops"})},
                         {"run_attempt", 1},
                         {"ok", true},
                         {"nested", {{"a", 1}}}};
    CHECK_FALSE(first_unmatched({{"repository", "acme/*"}, {"ref", "refs/heads/main"}}, claims));
    CHECK(*first_unmatched({{"repository", "acme/*"}, {"ref", "refs/tags/*"}}, claims) == "ref");
    CHECK(*first_unmatched({{"environment", "prod"}}, claims) == "environment");
    CHECK_FALSE(first_unmatched({{"groups", "ops"}}, claims));
    CHECK_FALSE(first_unmatched({{"run_attempt", "1"}, {"ok", "true"}}, claims));
    CHECK(*first_unmatched({{"nested", "*"}}, claims) == "nested");
}

TEST_CASE("issuers and JWKS are fetched over https, or http on loopback only", "[oidc][fetch]") {
    CHECK_FALSE(check_fetch_url("https://token.actions.githubusercontent.com"));
    CHECK_FALSE(check_fetch_url("http://127.0.0.1:8080/issuer"));
    CHECK_FALSE(check_fetch_url("http://[::1]:8080"));
    CHECK_FALSE(check_fetch_url("http://localhost:9"));
    CHECK(*check_fetch_url("http://ci.example") ==
          "must use https (http only for a loopback host)");
    CHECK(*check_fetch_url("http://127.0.0.1.nip.io") == "is not a valid URL");
    CHECK(*check_fetch_url("http://127.0.0.1.evil.example:80/x") == "is not a valid URL");
    CHECK(*check_fetch_url("http://127.1") == "must use https (http only for a loopback host)");
    CHECK(*check_fetch_url("ftp://ci.example") == "not an http(s) URL");
    CHECK(*check_fetch_url("https://user@ci.example") == "must not contain user info");
    CHECK(*check_fetch_url("https://ci.example/?a=1") == "must not have a query or fragment");
    CHECK(*check_fetch_url("ci.example") == "not an absolute URL");
    CHECK(url_origin_of("https://CI.example:8443/x/y") == "https://ci.example:8443");
}

namespace {

struct CacheFixture {
    pat::ManualClock clock;
    std::shared_ptr<FakeFetcher> fetcher = std::make_shared<FakeFetcher>();
    KeyCacheOptions options;
    std::unique_ptr<KeyCache> cache;
    const std::string issuer = "https://ci.example";

    CacheFixture() {
        options.refresh_interval = seconds(30);
        options.failure_backoff = seconds(10);
        cache = std::make_unique<KeyCache>(fetcher, options, clock);
    }
};

}  // namespace

TEST_CASE("the key cache fetches discovery and JWKS once and then answers from memory",
          "[oidc][cache]") {
    CacheFixture f;
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key(), &ec_key()}));
    auto k = f.cache->find(f.issuer, "rsa-1");
    REQUIRE(k.ok());
    CHECK(k->alg == Alg::rs256);
    CHECK(f.fetcher->requests() == 2);
    CHECK(f.cache->find(f.issuer, "ec-1").ok());
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 2);
    // Past the default lifetime (1 h) the set is fetched again.
    f.clock.advance(std::chrono::hours(1) + seconds(1));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 4);
}

TEST_CASE("a JWKS is kept for its max-age, clamped to 5 minutes .. 24 hours", "[oidc][cache]") {
    CacheFixture f;
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key()}));
    const auto jwks_with_max_age = [&](seconds max_age) {
        f.fetcher->serve(f.issuer + "/jwks", {200, jwks_of({&rsa_key()}).dump(), max_age});
    };
    // max-age=10: kept for 5 minutes, not 10 seconds.
    jwks_with_max_age(seconds(10));
    REQUIRE(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 2);
    f.clock.advance(seconds(11));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 2);
    // max-age of a week: kept for 24 hours, not longer.
    jwks_with_max_age(seconds(7 * 86400));
    f.clock.advance(seconds(290));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 4);
    f.clock.advance(std::chrono::hours(23));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 4);
    f.clock.advance(std::chrono::hours(1) + seconds(1));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.fetcher->requests() == 6);
}

TEST_CASE("an unknown kid refetches the JWKS at most once per refresh interval", "[oidc][cache]") {
    CacheFixture f;
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key()}));
    REQUIRE(f.cache->find(f.issuer, "rsa-1").ok());
    f.clock.advance(seconds(31));
    auto unknown = f.cache->find(f.issuer, "rotated");
    REQUIRE_FALSE(unknown.ok());
    CHECK_FALSE(unknown.error().unavailable);
    CHECK(unknown.error().message == "signing key 'rotated' is not in the issuer's JWKS");
    CHECK(f.fetcher->requests() == 4);
    // Made-up kids right after do not reach the issuer.
    for (int i = 0; i < 5; ++i) CHECK_FALSE(f.cache->find(f.issuer, "made-up").ok());
    CHECK(f.fetcher->requests() == 4);
    // The issuer rotates; after the interval the new key is found.
    const TestKey rotated = TestKey::p256("rotated");
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key(), &rotated}));
    f.clock.advance(seconds(31));
    CHECK(f.cache->find(f.issuer, "rotated").ok());
    CHECK(f.fetcher->requests() == 6);
}

TEST_CASE("an unreachable issuer is unavailable, asked again only after a back-off",
          "[oidc][cache]") {
    CacheFixture f;
    auto none = f.cache->find(f.issuer, "rsa-1");
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().unavailable);
    CHECK(none.error().message ==
          "cannot fetch the issuer's signing keys: discovery document: https://ci.example: "
          "connection refused");
    CHECK(f.fetcher->requests() == 1);
    CHECK(f.cache->find(f.issuer, "rsa-1").error().unavailable);
    CHECK(f.fetcher->requests() == 1);
    f.clock.advance(seconds(11));
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key()}));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
}

TEST_CASE("keys stay usable while the issuer is down after they expire", "[oidc][cache]") {
    CacheFixture f;
    f.fetcher->issuer(f.issuer, jwks_of({&rsa_key()}));
    REQUIRE(f.cache->find(f.issuer, "rsa-1").ok());
    f.fetcher->drop(f.issuer + "/jwks");
    f.clock.advance(std::chrono::hours(2));
    CHECK(f.cache->find(f.issuer, "rsa-1").ok());
    CHECK(f.cache->find(f.issuer, "other").error().unavailable);
    f.clock.advance(std::chrono::hours(24));
    CHECK(f.cache->find(f.issuer, "rsa-1").error().unavailable);
}

TEST_CASE("a discovery document naming another issuer or an http JWKS is refused",
          "[oidc][cache]") {
    CacheFixture f;
    f.fetcher->serve(
        f.issuer + "/.well-known/openid-configuration",
        {200, json{{"issuer", "https://evil.example"}, {"jwks_uri", f.issuer + "/j"}}.dump(),
         std::nullopt});
    CHECK(f.cache->find(f.issuer, "k").error().message ==
          "cannot fetch the issuer's signing keys: discovery document names another issuer");
    f.clock.advance(seconds(11));
    f.fetcher->serve(f.issuer + "/.well-known/openid-configuration",
                     {200, json{{"issuer", f.issuer}, {"jwks_uri", "http://ci.example/j"}}.dump(),
                      std::nullopt});
    CHECK(f.cache->find(f.issuer, "k").error().message ==
          "cannot fetch the issuer's signing keys: jwks_uri must use https (http only for a "
          "loopback host)");
    f.clock.advance(seconds(11));
    f.fetcher->serve(f.issuer + "/.well-known/openid-configuration", {500, "oops", std::nullopt});
    CHECK(f.cache->find(f.issuer, "k").error().message ==
          "cannot fetch the issuer's signing keys: discovery document: HTTP 500");
}
