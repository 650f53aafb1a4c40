#include "patd/crypto/totp.hpp"

#include <catch2/catch.hpp>

using namespace pat::patd;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {
const std::string k_rfc_key = "12345678901234567890";  // RFC 4226 / 6238 SHA1 seed
system_clock::time_point at(long long unix) {
    return system_clock::time_point(seconds(unix));
}
}  // namespace

TEST_CASE("HOTP matches the RFC 4226 Appendix D values", "[totp]") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t i = 0; i < 10; ++i) CHECK(hotp(k_rfc_key, i, 6) == expected[i]);
}

TEST_CASE("TOTP matches the RFC 6238 Appendix B SHA1 vectors", "[totp]") {
    CHECK(totp(k_rfc_key, at(59), 8) == "94287082");
    CHECK(totp(k_rfc_key, at(1111111109), 8) == "07081804");
    CHECK(totp(k_rfc_key, at(1111111111), 8) == "14050471");
    CHECK(totp(k_rfc_key, at(1234567890), 8) == "89005924");
    CHECK(totp(k_rfc_key, at(2000000000), 8) == "69279037");
    CHECK(totp_at_unix(k_rfc_key, 2000000000, 8) == "69279037");
    // Beyond a nanosecond time_point's range (year 2603).
    CHECK(totp_at_unix(k_rfc_key, 20000000000, 8) == "65353130");
}

TEST_CASE("TOTP verification accepts one step of skew and nothing more", "[totp]") {
    const auto now = at(1111111111);
    const auto step = totp_step(now);
    CHECK(verify_totp(k_rfc_key, totp(k_rfc_key, now), now) == step);
    CHECK(verify_totp(k_rfc_key, totp(k_rfc_key, now - seconds(30)), now) == step - 1);
    CHECK(verify_totp(k_rfc_key, totp(k_rfc_key, now + seconds(30)), now) == step + 1);
    CHECK_FALSE(verify_totp(k_rfc_key, totp(k_rfc_key, now - seconds(60)), now));
    CHECK_FALSE(verify_totp(k_rfc_key, totp(k_rfc_key, now + seconds(60)), now));
    CHECK_FALSE(verify_totp(k_rfc_key, "12345", now));
    CHECK_FALSE(verify_totp(k_rfc_key, "", now));
    CHECK_FALSE(verify_totp(k_rfc_key, "abcdef", now));
}

TEST_CASE("base32 round-trips and matches RFC 4648 examples", "[totp]") {
    CHECK(base32_encode("foobar") == "MZXW6YTBOI");
    CHECK(base32_encode("f") == "MY");
    CHECK(base32_encode(k_rfc_key) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    std::string out;
    REQUIRE(base32_decode("mzxw6ytboi======", out));
    CHECK(out == "foobar");
    CHECK_FALSE(base32_decode("MZXW1", out));
}

TEST_CASE("the otpauth URI carries issuer, account and base32 secret", "[totp]") {
    CHECK(otpauth_uri("patd", "alice", k_rfc_key) ==
          "otpauth://totp/patd:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=patd"
          "&algorithm=SHA1&digits=6&period=30");
    CHECK(otpauth_uri("my org", "a", "x").starts_with("otpauth://totp/my%20org:a?"));
}
