// The service operations behind the web console and device sign-in:
// browser sessions, 2FA setup with recovery codes, the device authorization
// grant (RFC 8628) and a token deleting itself.
#include <catch2/catch.hpp>

#include "patd/crypto/totp.hpp"
#include "service_fixture.hpp"

using namespace patd_test;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {
std::string key_of_base32(const pat::Secret& b32) {
    std::string key;
    REQUIRE(base32_decode(b32.reveal(), key));
    return key;
}
}  // namespace

TEST_CASE("a console session starts with the password, ends on sign-out, idle or age",
          "[service][console]") {
    ServiceFixture f;
    f.add_user("alice");
    auto s = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE(s.ok());
    CHECK(s->cookie.size() == 43);
    auto who = f.service->authenticate_web_session(s->cookie.reveal());
    REQUIRE(who.ok());
    CHECK(who->principal.username == "alice");
    CHECK_FALSE(who->principal.is_pat_session);
    CHECK(who->csrf_token == s->csrf_token);
    CHECK_FALSE(who->csrf_token.empty());
    // Token management works with it.
    CHECK(f.service->list_tokens(who->principal, {}).ok());

    // Idle: 29 minutes between requests is fine, 30 is not.
    f.clock.advance(minutes(29));
    REQUIRE(f.service->authenticate_web_session(s->cookie.reveal()).ok());
    f.clock.advance(minutes(29));
    REQUIRE(f.service->authenticate_web_session(s->cookie.reveal()).ok());
    f.clock.advance(minutes(30));
    auto idle = f.service->authenticate_web_session(s->cookie.reveal());
    REQUIRE_FALSE(idle.ok());
    CHECK(idle.error().code == ErrorCode::unauthorized);

    // Absolute: 12 hours, however busy.
    auto busy = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE(busy.ok());
    // A request every 29 minutes for 24 * 29 min = 11.6 h: still valid...
    for (int i = 0; i < 24; ++i) {
        f.clock.advance(minutes(29));
        REQUIRE(f.service->authenticate_web_session(busy->cookie.reveal()).ok());
    }
    // ...and 25 more minutes pass 12 h.
    f.clock.advance(minutes(25));
    CHECK_FALSE(f.service->authenticate_web_session(busy->cookie.reveal()).ok());

    // Sign-out ends it on the server.
    auto t = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE(t.ok());
    REQUIRE(f.service->end_web_session(t->cookie.reveal()).ok());
    CHECK_FALSE(f.service->authenticate_web_session(t->cookie.reveal()).ok());
    CHECK_FALSE(f.service->authenticate_web_session("").ok());
    CHECK_FALSE(f.service->authenticate_web_session(std::string(43, 'A')).ok());
}

TEST_CASE("sign out everywhere ends every console session and the device sign-ins",
          "[service][console]") {
    ServiceFixture f;
    auto o = f.alice_with("repo:read");  // a manual token: kept
    f.add_user("bob");
    auto a1 = f.service->web_login("alice", f.pw("password1"), f.client);
    auto a2 = f.service->web_login("alice", f.pw("password1"), f.client);
    auto b = f.service->web_login("bob", f.pw("password1"), f.client);
    REQUIRE((a1.ok() && a2.ok() && b.ok()));
    auto alice_auto = f.service->desktop_generate(o.owner, f.client);
    const Principal bob = f.session_of("bob");
    auto bob_auto = f.service->desktop_generate(bob, f.client);
    REQUIRE((alice_auto.ok() && bob_auto.ok()));
    auto who = f.service->authenticate_web_session(a1->cookie.reveal());
    REQUIRE(who.ok());
    auto n = f.service->sign_out_everywhere(who->principal);
    REQUIRE(n.ok());
    CHECK(n->sessions == 2);
    CHECK(n->auto_tokens == 1);
    CHECK_FALSE(f.service->authenticate_web_session(a1->cookie.reveal()).ok());
    CHECK_FALSE(f.service->authenticate_web_session(a2->cookie.reveal()).ok());
    // The helper's next check sees the auto token as unknown and drops it.
    auto gone = f.service->current(f.basic("alice", alice_auto->token), f.client);
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().message == "unknown token");
    CHECK(f.service->current(f.basic("alice", o.pat.token), f.client).ok());
    // Bob is not touched.
    CHECK(f.service->authenticate_web_session(b->cookie.reveal()).ok());
    CHECK(f.service->current(f.basic("bob", bob_auto->token), f.client).ok());
    // A PAT session cannot do it.
    const Principal pat_session = f.pat_session_of("alice", o.pat.token);
    CHECK(f.service->sign_out_everywhere(pat_session).error().code ==
          ErrorCode::forbidden_pat_session);
}

TEST_CASE("a PAT can never sign in to the console, and is refused before it is checked",
          "[service][console]") {
    ServiceFixture f;
    auto o = f.alice_with("repo:admin");
    const int calls = f.spy->calls.load();
    auto r = f.service->web_login("alice", o.pat.token, f.client);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::forbidden_pat_session);
    CHECK(f.spy->calls.load() == calls);  // no database work
    // Not counted as a failure either: the owner is not locked out.
    for (int i = 0; i < 5; ++i) (void)f.service->web_login("alice", o.pat.token, f.client);
    CHECK(f.service->web_login("alice", f.pw("password1"), f.client).ok());
}

TEST_CASE("wrong console passwords count, and the wait is the distinct rate-limit error",
          "[service][console]") {
    ServiceFixture f;  // 3 failures allowed
    f.add_user("alice");
    for (int i = 0; i < 3; ++i) {
        auto r = f.service->web_login("alice", f.pw("wrong-password"), f.client);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::unauthorized);
    }
    auto banned = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE_FALSE(banned.ok());
    CHECK(banned.error().code == ErrorCode::rate_limited);
    CHECK(banned.error().retry_after.count() >= 1);
}

TEST_CASE("2FA from the console: setup is confirmed by a first code, recovery codes work once",
          "[service][console][2fa]") {
    ServiceOptions options = test_options();
    options.rate_limit.free_failures = 100;  // this test fails on purpose, often
    ServiceFixture f(options);
    f.add_user("alice");
    const Principal who = f.session_of("alice");
    auto st = f.service->two_factor_status(who);
    REQUIRE(st.ok());
    CHECK_FALSE(st->enabled);

    auto setup = f.service->begin_2fa_setup(who);
    REQUIRE(setup.ok());
    CHECK(setup->otpauth_uri.reveal().starts_with("otpauth://totp/patd:alice?secret="));
    CHECK(setup->otpauth_uri.reveal().find(setup->secret_base32.reveal()) != std::string::npos);
    // Pending only: sign-in still needs no code.
    CHECK(f.service->login("alice", f.pw("password1"), f.client).ok());
    // The same pending secret can be shown again.
    auto again = f.service->begin_2fa_setup(who, /*keep_pending=*/true);
    REQUIRE(again.ok());
    CHECK(again->secret_base32 == setup->secret_base32);
    const std::string key = key_of_base32(setup->secret_base32);

    auto wrong = f.service->confirm_2fa_setup(who, "000000", f.client);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().code == ErrorCode::bad_request);
    CHECK_FALSE(f.service->two_factor_status(who)->enabled);

    auto codes = f.service->confirm_2fa_setup(who, totp(key, f.clock.now()), f.client);
    REQUIRE(codes.ok());
    REQUIRE(codes->size() == 10);
    for (const auto& c : *codes) CHECK(c.size() == 11);  // xxxxx-xxxxx
    CHECK(f.service->two_factor_status(who)->recovery_codes_left == 10);
    CHECK(f.service->begin_2fa_setup(who).error().code == ErrorCode::conflict);

    // Sign-in needs the second step now; the confirming code is used up.
    auto first = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE_FALSE(first.ok());
    REQUIRE(first.error().code == ErrorCode::require_2fa);
    const std::string challenge = first.error().login_2fa_token;
    CHECK_FALSE(f.service->web_login_2fa(challenge, totp(key, f.clock.now()), f.client).ok());
    f.clock.advance(seconds(30));
    CHECK(f.service->web_login_2fa(challenge, totp(key, f.clock.now()), f.client).ok());

    // A recovery code instead of the TOTP code: any case and dash spelling, once.
    std::string rc(codes->front().reveal());
    std::string shouted;
    for (char c : rc)
        if (c != '-')
            shouted.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    auto second = f.service->web_login("alice", f.pw("password1"), f.client);
    REQUIRE(second.error().code == ErrorCode::require_2fa);
    CHECK(f.service->web_login_2fa(second.error().login_2fa_token, shouted, f.client).ok());
    auto third = f.service->login("alice", f.pw("password1"), f.client);
    REQUIRE(third.error().code == ErrorCode::require_2fa);
    auto reused = f.service->login_2fa(third.error().login_2fa_token, rc, f.client);
    REQUIRE_FALSE(reused.ok());
    CHECK(reused.error().message == "invalid 2FA code");
    // The API's second step takes a recovery code too.
    CHECK(
        f.service->login_2fa(third.error().login_2fa_token, codes->at(1).reveal(), f.client).ok());
    CHECK(f.service->two_factor_status(who)->recovery_codes_left == 8);

    // Disable: password and code both checked.
    f.clock.advance(seconds(30));
    auto bad_pw = f.service->disable_2fa_checked(who, f.pw("not-the-password"),
                                                 totp(key, f.clock.now()), f.client);
    REQUIRE_FALSE(bad_pw.ok());
    CHECK(bad_pw.error().message == "incorrect password");
    auto bad_code = f.service->disable_2fa_checked(who, f.pw("password1"), "123456", f.client);
    REQUIRE_FALSE(bad_code.ok());
    CHECK(bad_code.error().code == ErrorCode::unauthorized);
    CHECK(f.service->two_factor_status(who)->enabled);
    REQUIRE(f.service->disable_2fa_checked(who, f.pw("password1"), codes->at(2).reveal(), f.client)
                .ok());
    CHECK_FALSE(f.service->two_factor_status(who)->enabled);
    CHECK(f.service->two_factor_status(who)->recovery_codes_left == 0);
    CHECK(f.service->web_login("alice", f.pw("password1"), f.client).ok());
}

TEST_CASE("2FA setup and status refuse a PAT session", "[service][console][2fa]") {
    ServiceFixture f;
    auto o = f.alice_with("repo:admin");
    const Principal pat_session = f.pat_session_of("alice", o.pat.token);
    CHECK(f.service->begin_2fa_setup(pat_session).error().code == ErrorCode::forbidden_pat_session);
    CHECK(f.service->two_factor_status(pat_session).error().code ==
          ErrorCode::forbidden_pat_session);
    CHECK(f.service->find_device(pat_session, "BCDF-GHJK", f.client).error().code ==
          ErrorCode::forbidden_pat_session);
}

TEST_CASE("device sign-in: approve in the console, the poller gets one auto token",
          "[service][device]") {
    ServiceFixture f;
    f.add_user("alice");
    const Principal who = f.session_of("alice");
    auto grant = f.service->start_device_authorization(
        {"docker-credential-pat", "build-box\x07<b>", "0.1.0"}, f.client);
    REQUIRE(grant.ok());
    CHECK(grant->user_code.size() == 9);
    CHECK(grant->user_code[4] == '-');
    CHECK(grant->expires_in == minutes(10));
    CHECK(grant->interval == seconds(5));

    auto first = f.service->poll_device(grant->device_code.reveal(), f.client);
    REQUIRE(first.ok());
    CHECK(first->state == "authorization_pending");
    // Polling again at once is too fast: slow_down, and 5 s more from now on.
    auto fast = f.service->poll_device(grant->device_code.reveal(), f.client);
    REQUIRE(fast.ok());
    CHECK(fast->state == "slow_down");
    CHECK(fast->interval == seconds(10));
    f.clock.advance(seconds(10));

    // The console shows the machine; any spelling of the code finds it.
    std::string lower;
    for (char c : grant->user_code) lower.push_back(static_cast<char>(std::tolower(c)));
    auto view = f.service->find_device(who, lower, f.client);
    REQUIRE(view.ok());
    CHECK(view->host_name == "build-box?<b>");  // control characters never reach a page
    CHECK(view->helper_version == "0.1.0");
    CHECK(view->client_ip == "10.0.0.1");
    CHECK(view->status == "pending");
    CHECK(f.service->find_device(who, "BCDF-GHJ", f.client).error().code == ErrorCode::not_found);

    REQUIRE(f.service->decide_device(who, grant->user_code, true, f.client).ok());
    CHECK(f.service->decide_device(who, grant->user_code, false, f.client).error().code ==
          ErrorCode::bad_request);
    auto done = f.service->poll_device(grant->device_code.reveal(), f.client);
    REQUIRE(done.ok());
    REQUIRE(done->token);
    CHECK(done->state.empty());
    CHECK(done->username == "alice");
    REQUIRE(done->view);
    CHECK(done->view->generated_by == GeneratedBy::automatic);
    CHECK(done->view->scope == TokenScope::admin);
    CHECK(done->view->token_label == "docker-credential-pat login on build-box?<b>");
    CHECK(done->view->client_id == "docker-credential-pat");
    // The token works, and it is handed out exactly once.
    CHECK(f.service->current(f.basic("alice", *done->token), f.client).ok());
    f.clock.advance(seconds(10));
    auto after = f.service->poll_device(grant->device_code.reveal(), f.client);
    REQUIRE_FALSE(after.ok());
    CHECK(after.error().code == ErrorCode::bad_request);
    CHECK(f.service->poll_device("not-a-code", f.client).error().code == ErrorCode::bad_request);
}

TEST_CASE("device sign-in: denied and expired codes get the RFC's errors", "[service][device]") {
    ServiceFixture f;
    f.add_user("alice");
    const Principal who = f.session_of("alice");
    auto denied = f.service->start_device_authorization({"", "", ""}, f.client);
    REQUIRE(denied.ok());
    REQUIRE(f.service->decide_device(who, denied->user_code, false, f.client).ok());
    auto d = f.service->poll_device(denied->device_code.reveal(), f.client);
    REQUIRE(d.ok());
    CHECK(d->state == "access_denied");
    CHECK_FALSE(d->token);

    auto late = f.service->start_device_authorization({"", "host", "1"}, f.client);
    REQUIRE(late.ok());
    f.clock.advance(minutes(10));
    CHECK(f.service->find_device(who, late->user_code, f.client)->status == "expired");
    CHECK(f.service->decide_device(who, late->user_code, true, f.client).error().code ==
          ErrorCode::bad_request);
    auto e = f.service->poll_device(late->device_code.reveal(), f.client);
    REQUIRE(e.ok());
    CHECK(e->state == "expired_token");
}

TEST_CASE("device sign-in: guessing user codes is rate limited like sign-in", "[service][device]") {
    ServiceFixture f;  // 3 failures allowed
    f.add_user("alice");
    const Principal who = f.session_of("alice");
    auto grant = f.service->start_device_authorization({"", "host", "1"}, f.client);
    REQUIRE(grant.ok());
    for (const char* guess : {"BCDF-GHJK", "LMNP-QRST", "not a code"}) {
        if (grant->user_code == guess) continue;
        CHECK(f.service->find_device(who, guess, f.client).error().code == ErrorCode::not_found);
    }
    // Banned now: even the right code is refused, for lookups and decisions.
    CHECK(f.service->find_device(who, grant->user_code, f.client).error().code ==
          ErrorCode::rate_limited);
    CHECK(f.service->decide_device(who, grant->user_code, true, f.client).error().code ==
          ErrorCode::rate_limited);
    f.clock.advance(std::chrono::minutes(3));  // the ban is 120 s
    REQUIRE(f.service->decide_device(who, grant->user_code, true, f.client).ok());
}

TEST_CASE("device sign-in: the sixth auto token deletes the oldest", "[service][device]") {
    ServiceFixture f;
    f.add_user("alice");
    const Principal who = f.session_of("alice");
    std::vector<pat::Secret> tokens;
    for (int i = 0; i < 6; ++i) {
        auto g =
            f.service->start_device_authorization({"", "host" + std::to_string(i), "1"}, f.client);
        REQUIRE(g.ok());
        REQUIRE(f.service->decide_device(who, g->user_code, true, f.client).ok());
        auto p = f.service->poll_device(g->device_code.reveal(), f.client);
        REQUIRE(p.ok());
        REQUIRE(p->token);
        tokens.push_back(std::move(*p->token));
        f.clock.advance(seconds(1));
    }
    auto page = f.service->list_tokens(who, {1, 100});
    REQUIRE(page.ok());
    CHECK(page->count == 5);
    CHECK_FALSE(f.service->current(f.basic("alice", tokens[0]), f.client).ok());
    CHECK(f.service->current(f.basic("alice", tokens[5]), f.client).ok());
}

TEST_CASE("an auto-generated token can delete itself; a manual one cannot", "[service][device]") {
    ServiceFixture f;
    auto o = f.alice_with("repo:admin");
    auto manual = f.service->revoke_current(f.basic("alice", o.pat.token), f.client);
    REQUIRE_FALSE(manual.ok());
    CHECK(manual.error().code == ErrorCode::conflict);
    CHECK(f.service->current(f.basic("alice", o.pat.token), f.client).ok());

    auto autogen = f.service->desktop_generate(o.owner, f.client);
    REQUIRE(autogen.ok());
    REQUIRE(f.service->revoke_current(f.basic("alice", autogen->token), f.client).ok());
    auto gone = f.service->current(f.basic("alice", autogen->token), f.client);
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().message == "unknown token");
}
