#include <catch2/catch.hpp>

#include "patd/crypto/hmac.hpp"
#include "patd/crypto/keys.hpp"
#include "patd/crypto/password.hpp"
#include "patd/crypto/session_token.hpp"

using namespace pat::patd;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
std::string hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out += digits[(static_cast<unsigned char>(c) >> 4) & 0xF];
        out += digits[static_cast<unsigned char>(c) & 0xF];
    }
    return out;
}
pat::Secret pepper() {
    return pat::Secret::copy_of(std::string(32, '\x42'));
}
}  // namespace

TEST_CASE("HMAC-SHA256 matches a known vector", "[crypto]") {
    CHECK(hex(hmac_sha256("key", "The quick brown fox jumps over the lazy dog")) ==
          "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST_CASE("constant_time_equal compares length and bytes", "[crypto]") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK(constant_time_equal("", ""));
}

TEST_CASE("base64url round-trips without padding", "[crypto]") {
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    std::string out;
    REQUIRE(base64url_decode("-_8", out));
    CHECK(out == "\xfb\xff");
    CHECK_FALSE(base64url_decode("Zm9v=", out));
    CHECK_FALSE(base64url_decode("Z", out));
    CHECK_FALSE(base64url_decode("Zh", out));  // non-zero leftover bits
}

TEST_CASE("token digests depend on the pepper and the token", "[crypto]") {
    const Keys a(pepper());
    const Keys b(pat::Secret::copy_of(std::string(32, '\x43')));
    CHECK(a.token_digest("dckr_pat_x").size() == 32);
    CHECK(a.token_digest("dckr_pat_x") == a.token_digest("dckr_pat_x"));
    CHECK(a.token_digest("dckr_pat_x") != a.token_digest("dckr_pat_y"));
    CHECK(a.token_digest("dckr_pat_x") != b.token_digest("dckr_pat_x"));
    CHECK(a.token_digest("dckr_pat_x") == hmac_sha256(std::string(32, '\x42'), "dckr_pat_x"));
}

TEST_CASE("a sealed TOTP secret opens only with the same pepper", "[crypto]") {
    const Keys a(pepper());
    const Keys b(pat::Secret::copy_of(std::string(32, '\x43')));
    const std::string sealed = a.seal("totp-secret-bytes", std::string(24, 'n'));
    CHECK(sealed.find("totp-secret-bytes") == std::string::npos);
    pat::Secret out;
    REQUIRE(a.open(sealed, out));
    CHECK(out.reveal() == "totp-secret-bytes");
    CHECK_FALSE(b.open(sealed, out));
    std::string tampered = sealed;
    tampered.back() = static_cast<char>(tampered.back() ^ 1);
    CHECK_FALSE(a.open(tampered, out));
    CHECK_FALSE(a.open("short", out));
}

TEST_CASE("session tokens verify, expire and resist tampering", "[crypto][session]") {
    const Keys keys(pepper());
    const auto now = std::chrono::system_clock::time_point(seconds(1'700'000'000));
    SessionClaims c;
    c.kind = SessionKind::session;
    c.account_id = 7;
    c.username = "alice";
    c.pat_uuid = "u-1";
    c.issued_at = now;
    c.expires_at = now + minutes(30);
    c.jti = "j";
    const std::string token = sign_session(c, keys.session_key());

    auto v = verify_session(token, SessionKind::session, keys.session_key(), now + minutes(29));
    REQUIRE(v);
    CHECK(v->account_id == 7);
    CHECK(v->username == "alice");
    CHECK(v->pat_uuid == "u-1");
    CHECK_FALSE(verify_session(token, SessionKind::session, keys.session_key(), now + minutes(30)));
    CHECK_FALSE(verify_session(token, SessionKind::login_2fa, keys.session_key(), now));
    const Keys other(pat::Secret::copy_of(std::string(32, '\x01')));
    CHECK_FALSE(verify_session(token, SessionKind::session, other.session_key(), now));
    std::string tampered = token;
    tampered[tampered.find('.') + 2] ^= 1;
    CHECK_FALSE(verify_session(tampered, SessionKind::session, keys.session_key(), now));
    // The same claims under {"alg":"none"} and no signature, or the right
    // signature moved under another header, are refused.
    const std::string claims =
        token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
    const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})");
    CHECK_FALSE(
        verify_session(none + "." + claims + ".", SessionKind::session, keys.session_key(), now));
    const std::string hs512 = base64url_encode(R"({"alg":"HS512","typ":"JWT"})");
    CHECK_FALSE(verify_session(hs512 + token.substr(token.find('.')), SessionKind::session,
                               keys.session_key(), now));
    CHECK_FALSE(verify_session("", SessionKind::session, keys.session_key(), now));
    CHECK_FALSE(verify_session("a.b", SessionKind::session, keys.session_key(), now));
}

TEST_CASE("Argon2id password hashes verify and report their cost", "[crypto][password]") {
    const std::string h = hash_password("correct horse", PasswordCost::minimum);
    CHECK(h.starts_with("$argon2id$"));
    CHECK(verify_password(h, "correct horse"));
    CHECK_FALSE(verify_password(h, "correct horsf"));
    CHECK_FALSE(verify_password("garbage", "correct horse"));
    CHECK_FALSE(password_needs_rehash(h, PasswordCost::minimum));
    CHECK(password_needs_rehash(h, PasswordCost::interactive));
}
