#include <catch2/catch.hpp>

#include "service_fixture.hpp"

using namespace patd_test;
using std::chrono::days;
using std::chrono::seconds;

TEST_CASE("current returns the presented PAT, redacted, or says why not", "[service][current]") {
    ServiceFixture f;
    f.add_user("alice");
    f.add_user("bob");
    const auto owner = f.session_of("alice");
    auto pat = f.make_token(owner, "repo:write", f.now() + days(1));

    auto v = f.service->current(f.basic("alice", pat.token), f.client);
    REQUIRE(v.ok());
    CHECK(v->uuid == pat.view.uuid);
    CHECK(v->scope == TokenScope::write);

    const auto why = [&](const BasicCredentials& c, const char* ip) {
        auto r = f.service->current(c, ClientInfo{ip, "", ""});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::unauthorized);
        return r.error().message;
    };
    CHECK(why(f.basic("bob", pat.token), "10.1.0.1") == "unknown token");
    CHECK(why(f.basic("alice", pat::Secret::copy_of("dckr_pat_nope")), "10.1.0.2") ==
          "unknown token");
    REQUIRE(f.service->patch_token(owner, pat.view.uuid, TokenPatch{std::nullopt, false}).ok());
    CHECK(why(f.basic("alice", pat.token), "10.1.0.3") == "token is deactivated");
    REQUIRE(f.service->patch_token(owner, pat.view.uuid, TokenPatch{std::nullopt, true}).ok());
    f.clock.advance(days(1));
    CHECK(why(f.basic("alice", pat.token), "10.1.0.4") == "token has expired");
}

TEST_CASE("malformed tokens are rejected before any database work", "[service][current]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:read");
    std::string typo(pat.token.reveal());
    typo[15] = typo[15] == 'x' ? 'y' : 'x';  // breaks the CRC32 checksum

    const int before = f.spy->calls;
    auto r = f.service->current(f.basic("alice", pat::Secret::copy_of(typo)), f.client);
    CHECK(r.error().message == "unknown token");
    auto g = f.service->registry_grant(
        GrantRequest{f.basic("alice", pat::Secret::copy_of(typo)), f.client, "registry", {}});
    CHECK(g.error().code == ErrorCode::unauthorized);
    CHECK(
        f.service->login("alice", pat::Secret::copy_of("dckr_pat_short"), f.client).error().code ==
        ErrorCode::unauthorized);
    CHECK(f.spy->calls == before);
}

TEST_CASE("usage moves last_used forward, never past now, coalescing writes", "[service][usage]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:read");
    const auto creds = f.basic("alice", pat.token);
    const Timestamp t0 = f.now();

    REQUIRE(f.service->record_usage(creds, t0 - seconds(100), f.client).ok());
    CHECK(f.service->get_token(owner, pat.view.uuid)->last_used == t0 - seconds(100));
    CHECK(f.spy->last_used_writes == 1);

    // Within the interval: pending, but visible.
    REQUIRE(f.service->record_usage(creds, t0 + days(10), f.client).ok());  // clamped to now
    CHECK(f.service->get_token(owner, pat.view.uuid)->last_used == t0);
    REQUIRE(f.service->record_usage(creds, t0 - seconds(500), f.client).ok());  // older: ignored
    CHECK(f.service->current(creds, f.client)->last_used == t0);
    CHECK(f.spy->last_used_writes == 1);

    f.clock.advance(seconds(59));
    f.service->flush_due();
    CHECK(f.spy->last_used_writes == 1);
    f.clock.advance(seconds(1));
    f.service->flush_due();
    CHECK(f.spy->last_used_writes == 2);
    CHECK(f.service->stats().last_used_writes == 2);

    REQUIRE(f.service->record_usage(creds, std::nullopt, f.client).ok());
    f.service->flush();
    CHECK(f.service->stats().last_used_writes == 3);
    CHECK(f.service->get_token(owner, pat.view.uuid)->last_used == t0 + seconds(60));
}

TEST_CASE("a thousand grants cause one write, and flush writes the rest", "[service][usage]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:read");
    for (int i = 0; i < 1000; ++i) {
        f.clock.advance(std::chrono::milliseconds(10));
        REQUIRE(f.service
                    ->registry_grant(GrantRequest{f.basic("alice", pat.token),
                                                  f.client,
                                                  "registry",
                                                  {"repository:alice/app:pull"}})
                    .ok());
    }
    CHECK(f.service->stats().last_used_writes == 1);
    CHECK(f.service->stats().grants == 1000);
    CHECK(f.service->get_token(owner, pat.view.uuid)->last_used == f.now());
    f.service->flush();
    CHECK(f.service->stats().last_used_writes == 2);
}

TEST_CASE("PAT failures are never counted against an account or a source", "[service][ratelimit]") {
    ServiceFixture f;
    f.add_user("alice");
    f.add_user("bob");
    const auto owner = f.session_of("alice");
    auto pat = f.make_token(owner, "repo:read");
    auto bobs = f.make_token(f.session_of("bob"), "repo:read");
    const ClientInfo attacker{"192.0.2.1", "", ""};
    // Bad checksums, unknown tokens and someone else's token, far past the limit.
    std::string garbled(pat.token.reveal());
    garbled.back() = garbled.back() == 'a' ? 'b' : 'a';
    for (int i = 0; i < 30; ++i) {
        const auto secret = pat::Secret::copy_of(i % 3 == 0   ? garbled
                                                 : i % 3 == 1 ? std::string(bobs.token.reveal())
                                                              : "dckr_pat_unknown");
        CHECK(f.service->current(f.basic("alice", secret), attacker).error().code ==
              ErrorCode::unauthorized);
        CHECK(f.service->registry_grant(GrantRequest{f.basic("alice", secret), attacker, "r", {}})
                  .error()
                  .code == ErrorCode::unauthorized);
        CHECK(f.service->login("alice", secret, attacker).error().code == ErrorCode::unauthorized);
    }
    CHECK(f.service->stats().auth_failures == 90);
    CHECK(f.service->stats().rate_limited == 0);
    // The owner's PAT and password work from the attacker's address too.
    CHECK(f.service->current(f.basic("alice", pat.token), attacker).ok());
    CHECK(f.service->registry_grant(GrantRequest{f.basic("alice", pat.token), attacker, "r", {}})
              .ok());
    CHECK(f.service->login("alice", f.pw("password1"), attacker).ok());
}

TEST_CASE("correct passwords are budgeted per account; PATs are not", "[service][ratelimit]") {
    ServiceOptions options = test_options();
    options.rate_limit.password_logins_per_minute = 2;
    ServiceFixture f(options);
    auto [owner, pat] = f.alice_with("repo:read");  // the first password login
    const auto grant = [&](const pat::Secret& secret) {
        return f.service->registry_grant(
            GrantRequest{f.basic("alice", secret), f.client, "r", {"repository:alice/x:pull"}});
    };
    CHECK(grant(f.pw("password1")).ok());
    auto refused = grant(f.pw("password1"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::rate_limited);
    CHECK(refused.error().message == k_detail_password_budget);
    CHECK(refused.error().retry_after == seconds(30));
    CHECK(f.service->login("alice", f.pw("password1"), ClientInfo{"10.0.0.9", "", ""})
              .error()
              .message == k_detail_password_budget);
    for (int i = 0; i < 10; ++i) CHECK(grant(pat.token).ok());
    f.add_user("bob");
    CHECK(f.service->login("bob", f.pw("password1"), f.client).ok());
    f.clock.advance(seconds(30));
    CHECK(grant(f.pw("password1")).ok());
}

TEST_CASE("health reports whether the database answers", "[service]") {
    ServiceFixture f;
    CHECK(f.service->health().ok());
}
