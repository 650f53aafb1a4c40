#include <catch2/catch.hpp>

#include "patd/crypto/totp.hpp"
#include "service_fixture.hpp"

using namespace patd_test;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
// The raw TOTP key from an otpauth:// URI.
std::string key_of(const pat::Secret& uri) {
    const std::string_view u = uri.reveal();
    const auto start = u.find("secret=") + 7;
    std::string key;
    REQUIRE(base32_decode(u.substr(start, u.find('&', start) - start), key));
    return key;
}
}  // namespace

TEST_CASE("accounts are validated, unique and listed", "[service][accounts]") {
    ServiceFixture f;
    auto a = f.service->create_account("alice", f.pw("password1"));
    REQUIRE(a.ok());
    CHECK(a->username == "alice");
    CHECK_FALSE(a->two_factor_enabled);

    auto dup = f.service->create_account("alice", f.pw("password2"));
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::conflict);

    for (const char* bad : {"", "a", "Alice", "-bob", "bob-", "bo b", "bob/x", "bob:x"}) {
        auto r = f.service->create_account(bad, f.pw("password1"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::bad_request);
        CHECK(r.error().fields.count("username") == 1);
    }
    auto short_pw = f.service->create_account("bob", f.pw("short"));
    REQUIRE_FALSE(short_pw.ok());
    CHECK(short_pw.error().fields.count("password") == 1);
    CHECK(short_pw.error().message.find("short") == std::string::npos);  // never echo a secret

    f.add_user("bob.smith_2");
    auto all = f.service->list_accounts();
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].username == "alice");
    CHECK((*all)[1].username == "bob.smith_2");
}

TEST_CASE("password login gives a password session that expires after 30 minutes",
          "[service][sessions]") {
    ServiceFixture f;
    f.add_user("alice");
    auto token = f.service->login("alice", f.pw("password1"), f.client);
    REQUIRE(token.ok());
    auto p = f.service->authenticate_session(token->reveal());
    REQUIRE(p.ok());
    CHECK(p->username == "alice");
    CHECK_FALSE(p->is_pat_session);

    f.clock.advance(minutes(29));
    CHECK(f.service->authenticate_session(token->reveal()).ok());
    f.clock.advance(minutes(1));
    auto expired = f.service->authenticate_session(token->reveal());
    REQUIRE_FALSE(expired.ok());
    CHECK(expired.error().code == ErrorCode::unauthorized);
    CHECK_FALSE(f.service->authenticate_session("garbage").ok());
}

TEST_CASE("bad logins are 401 with Hub's text and make that account and source wait",
          "[service][sessions]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:read");
    for (int i = 0; i < 3; ++i) {
        auto r = f.service->login("alice", f.pw("wrong-password"), f.client);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::unauthorized);
        CHECK(r.error().message == "Incorrect authentication credentials");
    }
    auto banned = f.service->login("alice", f.pw("password1"), f.client);
    REQUIRE_FALSE(banned.ok());
    CHECK(banned.error().code == ErrorCode::rate_limited);
    CHECK(banned.error().message == k_detail_rate_limited);
    CHECK(banned.error().retry_after == seconds(120));
    CHECK(f.service->stats().auth_failures == 3);
    CHECK(f.service->stats().rate_limited == 1);
    // The owner elsewhere, and a PAT from the same source, are not held up.
    CHECK(f.service->login("alice", f.pw("password1"), ClientInfo{"10.0.0.2", "", ""}).ok());
    CHECK(f.service->login("alice", pat.token, f.client).ok());
    // After the wait one more wrong password doubles it.
    f.clock.advance(seconds(120));
    CHECK(f.service->login("alice", f.pw("wrong-password"), f.client).error().code ==
          ErrorCode::unauthorized);
    CHECK(f.service->login("alice", f.pw("password1"), f.client).error().retry_after ==
          seconds(240));

    auto unknown = f.service->login("nobody", f.pw("password1"), ClientInfo{"10.9.9.9", "", ""});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message == "Incorrect authentication credentials");
}

TEST_CASE("logging in with a PAT gives a PAT session tied to that PAT", "[service][sessions]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:read");

    auto session = f.service->login("alice", pat.token, f.client);
    REQUIRE(session.ok());
    const auto p = f.pat_session_of("alice", pat.token);
    CHECK(p.is_pat_session);
    CHECK(p.pat_uuid == pat.view.uuid);
    CHECK(f.service->get_token(owner, pat.view.uuid)->last_used == f.now());

    // Someone else's name with alice's PAT does not log in.
    f.add_user("bob");
    CHECK_FALSE(f.service->login("bob", pat.token, f.client).ok());

    REQUIRE(f.service->patch_token(owner, pat.view.uuid, TokenPatch{std::nullopt, false}).ok());
    CHECK_FALSE(f.service->authenticate_session(session->reveal()).ok());
    CHECK_FALSE(f.service->login("alice", pat.token, ClientInfo{"10.0.0.2", "", ""}).ok());
}

TEST_CASE("with 2FA on, a password login needs a TOTP code; a PAT does not",
          "[service][sessions][2fa]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:write");

    auto uri = f.service->enable_2fa("alice");
    REQUIRE(uri.ok());
    CHECK(uri->reveal().starts_with("otpauth://totp/patd:alice?secret="));
    const std::string key = key_of(*uri);
    REQUIRE(key.size() == 20);
    CHECK((*f.service->list_accounts())[0].two_factor_enabled);

    auto first = f.service->login("alice", f.pw("password1"), f.client);
    REQUIRE_FALSE(first.ok());
    CHECK(first.error().code == ErrorCode::require_2fa);
    CHECK(first.error().message == "Require secondary authentication on MFA enabled account");
    const std::string l2fa = first.error().login_2fa_token;
    REQUIRE_FALSE(l2fa.empty());
    CHECK_FALSE(f.service->authenticate_session(l2fa).ok());  // not a session

    const std::string code = totp(key, f.clock.now());
    auto wrong = f.service->login_2fa(l2fa, code == "000000" ? "111111" : "000000", f.client);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::unauthorized);

    auto session = f.service->login_2fa(l2fa, code, f.client);
    REQUIRE(session.ok());
    auto p = f.service->authenticate_session(session->reveal());
    REQUIRE(p.ok());
    CHECK_FALSE(p->is_pat_session);

    SECTION("a code works once") {
        auto replay = f.service->login_2fa(l2fa, code, f.client);
        REQUIRE_FALSE(replay.ok());
        CHECK(replay.error().code == ErrorCode::unauthorized);
    }
    SECTION("the login_2fa_token expires") {
        f.clock.advance(minutes(6));
        CHECK_FALSE(f.service->login_2fa(l2fa, totp(key, f.clock.now()), f.client).ok());
    }
    SECTION("a PAT skips the second factor") {
        CHECK(f.service->login("alice", pat.token, f.client).ok());
    }
    SECTION("disabling 2FA restores password login") {
        REQUIRE(f.service->disable_2fa("alice").ok());
        CHECK(f.service->login("alice", f.pw("password1"), f.client).ok());
    }
    CHECK(f.service->enable_2fa("nobody").error().code == ErrorCode::not_found);
}
