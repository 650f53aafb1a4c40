// The Repository conformance suite (see store_conformance.hpp).
#include "store_conformance.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

using namespace store_test;
using std::chrono::seconds;

TEST_CASE("accounts are created once and found by name or id", "[store]") {
    auto repo = fresh_repository();
    auto a = repo->create_account(account("alice"));
    REQUIRE(a.ok());
    CHECK(a->id > 0);
    auto dup = repo->create_account(account("alice"));
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::conflict);
    REQUIRE(repo->create_account(account("bob")).ok());

    auto found = repo->find_account("alice");
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->password_hash == "$argon2id$fake");
    CHECK((*found)->created_at == k_t0);
    CHECK_FALSE(repo->find_account("carol")->has_value());
    CHECK((*repo->find_account_by_id(a->id))->username == "alice");
    auto all = repo->list_accounts();
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].username == "alice");
}

TEST_CASE("TOTP state is stored and each step is consumed once", "[store]") {
    auto repo = fresh_repository();
    const auto id = repo->create_account(account("alice"))->id;
    REQUIRE(repo->set_totp(id, true, std::string("\x01\x00sealed", 8)).ok());
    auto a = **repo->find_account("alice");
    CHECK(a.totp_enabled);
    CHECK(a.totp_secret_sealed == std::string("\x01\x00sealed", 8));
    CHECK(*repo->consume_totp_step(id, 100));
    CHECK_FALSE(*repo->consume_totp_step(id, 100));
    CHECK_FALSE(*repo->consume_totp_step(id, 99));
    CHECK(*repo->consume_totp_step(id, 101));
    REQUIRE(repo->set_totp(id, false, "").ok());
    CHECK_FALSE((*repo->find_account("alice"))->totp_enabled);
    REQUIRE(repo->set_password_hash(id, "$argon2id$new").ok());
    CHECK((*repo->find_account("alice"))->password_hash == "$argon2id$new");
}

TEST_CASE("tokens are found by digest, listed newest first, and scoped to their account",
          "[store]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    const auto bob = repo->create_account(account("bob"))->id;
    for (int i = 0; i < 5; ++i)
        REQUIRE(repo->insert_token(token(alice, "a" + std::to_string(i), k_t0 + seconds(i)),
                                   std::nullopt)
                    .ok());
    REQUIRE(repo->insert_token(token(bob, "b0", k_t0), std::nullopt).ok());

    auto dup = repo->insert_token(token(alice, "a0", k_t0), std::nullopt);
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::conflict);

    auto byd = repo->find_token_by_digest("digest-a3");
    REQUIRE(byd->has_value());
    CHECK((*byd)->uuid == "a3");
    CHECK((*byd)->scope == TokenScope::write);
    CHECK((*byd)->created_at == k_t0 + seconds(3));
    CHECK_FALSE((*byd)->expires_at);
    CHECK_FALSE(repo->find_token_by_digest("nope")->has_value());
    auto joined = repo->find_token_and_owner("digest-a3");
    REQUIRE(joined->has_value());
    CHECK((*joined)->first.uuid == "a3");
    CHECK((*joined)->first.label == "label a3");
    CHECK((*joined)->second.id == alice);
    CHECK((*joined)->second.username == "alice");
    CHECK((*joined)->second.password_hash == "$argon2id$fake");
    CHECK_FALSE(repo->find_token_and_owner("nope")->has_value());

    CHECK_FALSE(repo->find_token(bob, "a1")->has_value());
    CHECK(repo->find_token(alice, "a1")->has_value());

    REQUIRE(repo->update_token(alice, "a1", TokenPatch{std::nullopt, false}).ok());
    auto page = repo->list_tokens(alice, 0, 2);
    REQUIRE(page.ok());
    CHECK(page->count == 5);
    CHECK(page->active_count == 4);
    REQUIRE(page->rows.size() == 2);
    CHECK(page->rows[0].uuid == "a4");
    CHECK(page->rows[1].uuid == "a3");
    auto last = repo->list_tokens(alice, 4, 2);
    REQUIRE(last->rows.size() == 1);
    CHECK(last->rows[0].uuid == "a0");

    auto renamed = repo->update_token(alice, "a2", TokenPatch{std::string("new"), std::nullopt});
    REQUIRE(renamed->has_value());
    CHECK((*renamed)->label == "new");
    CHECK((*renamed)->is_active);
    CHECK_FALSE(repo->update_token(bob, "a2", TokenPatch{std::string("x"), false})->has_value());
    CHECK((*repo->find_token(alice, "a2"))->label == "new");

    CHECK_FALSE(*repo->delete_token(bob, "a2"));
    CHECK(*repo->delete_token(alice, "a2"));
    CHECK_FALSE(*repo->delete_token(alice, "a2"));
    CHECK(repo->list_tokens(alice, 0, 10)->count == 4);
}

// The SQLite store caches lookups by digest (the /token hot path): every
// write must be visible to the very next lookup.
TEST_CASE("a lookup by digest right after a write sees the write", "[store]") {
    auto repo = fresh_repository();
    const auto id = repo->create_account(account("alice"))->id;
    REQUIRE(repo->insert_token(token(id, "t1", k_t0), std::nullopt).ok());
    REQUIRE((*repo->find_token_and_owner("digest-t1"))->first.is_active);  // now cached

    REQUIRE(repo->update_token(id, "t1", TokenPatch{std::nullopt, false}).ok());
    CHECK_FALSE((*repo->find_token_and_owner("digest-t1"))->first.is_active);
    REQUIRE(repo->update_token(id, "t1", TokenPatch{std::string("renamed"), true}).ok());
    CHECK((*repo->find_token_and_owner("digest-t1"))->first.label == "renamed");

    REQUIRE(repo->update_last_used({{(*repo->find_token(id, "t1"))->id, k_t0 + seconds(5)}}).ok());
    CHECK((*repo->find_token_and_owner("digest-t1"))->first.last_used == k_t0 + seconds(5));

    REQUIRE(repo->set_totp(id, true, "sealed").ok());
    CHECK((*repo->find_token_and_owner("digest-t1"))->second.totp_enabled);

    REQUIRE(*repo->delete_token(id, "t1"));
    CHECK_FALSE(repo->find_token_and_owner("digest-t1")->has_value());

    // Eviction of the oldest auto token by a sixth one.
    for (int i = 0; i < 5; ++i)
        REQUIRE(repo->insert_token(token(id, "auto" + std::to_string(i), k_t0 + seconds(i),
                                         GeneratedBy::automatic),
                                   5)
                    .ok());
    REQUIRE(repo->find_token_and_owner("digest-auto0")->has_value());
    REQUIRE(
        repo->insert_token(token(id, "auto5", k_t0 + seconds(9), GeneratedBy::automatic), 5).ok());
    CHECK_FALSE(repo->find_token_and_owner("digest-auto0")->has_value());
}

TEST_CASE("a sixth auto-generated token evicts the oldest auto one only", "[store]") {
    auto repo = fresh_repository();
    const auto id = repo->create_account(account("alice"))->id;
    REQUIRE(repo->insert_token(token(id, "manual-old", k_t0 - seconds(100)), 5).ok());
    for (int i = 0; i < 6; ++i)
        REQUIRE(repo->insert_token(token(id, "auto" + std::to_string(i), k_t0 + seconds(i),
                                         GeneratedBy::automatic),
                                   5)
                    .ok());
    auto all = repo->list_tokens(id, 0, 100);
    CHECK(all->count == 6);
    CHECK_FALSE(repo->find_token(id, "auto0")->has_value());
    CHECK(repo->find_token(id, "auto1")->has_value());
    CHECK(repo->find_token(id, "manual-old")->has_value());
}

TEST_CASE("last_used only moves forward", "[store]") {
    auto repo = fresh_repository();
    const auto id = repo->create_account(account("alice"))->id;
    const auto t = repo->insert_token(token(id, "a", k_t0), std::nullopt)->id;
    REQUIRE(repo->update_last_used({{t, k_t0 + seconds(10)}}).ok());
    CHECK((*repo->find_token(id, "a"))->last_used == k_t0 + seconds(10));
    REQUIRE(repo->update_last_used({{t, k_t0 + seconds(5)}}).ok());
    CHECK((*repo->find_token(id, "a"))->last_used == k_t0 + seconds(10));
    REQUIRE(repo->update_last_used({{t, k_t0 + seconds(20)}}).ok());
    CHECK((*repo->find_token(id, "a"))->last_used == k_t0 + seconds(20));
    CHECK(repo->ping().ok());
}

void store_test::exercise_concurrently(Repository& repo, int threads_n, int per_thread) {
    const auto id = repo.create_account(account("alice"))->id;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(threads_n));
    for (int t = 0; t < threads_n; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string uuid = std::to_string(t) + "-" + std::to_string(i);
                const auto by = i % 2 ? GeneratedBy::automatic : GeneratedBy::manual;
                auto inserted = repo.insert_token(token(id, uuid, k_t0 + seconds(i), by), 5);
                auto found = repo.find_token_and_owner("digest-" + uuid);
                // Another thread may already have evicted an auto-generated one.
                const bool gone = by == GeneratedBy::manual && found && !found->has_value();
                if (!inserted || !found || gone) {
                    ++failures;
                    continue;
                }
                if (!repo.update_last_used({{inserted->id, k_t0}})) ++failures;
                if (!repo.consume_totp_step(id, t * 1000 + i)) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    // Every manual token stays; auto-generated ones are capped at 5.
    CHECK(repo.list_tokens(id, 0, 1)->count == threads_n * (per_thread / 2) + 5);
}

TEST_CASE("the store serves concurrent writers and readers", "[store][threads]") {
    auto repo = fresh_repository();
    exercise_concurrently(*repo, 6, 20);
}

TEST_CASE("web sessions are stored by digest, touched, ended one or all, and purged",
          "[store][console]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    const auto bob = repo->create_account(account("bob"))->id;
    auto session = [](std::string digest, std::int64_t id, Timestamp at) {
        WebSessionRecord s;
        s.digest = std::move(digest);
        s.account_id = id;
        s.created_at = at;
        s.last_seen = at;
        s.client_ip = "127.0.0.1";
        s.user_agent = "browser";
        return s;
    };
    const Timestamp long_ago = k_t0 - std::chrono::hours(1);
    REQUIRE(repo->insert_web_session(session("old", alice, long_ago), long_ago, long_ago).ok());
    REQUIRE(repo->insert_web_session(session(std::string("a1\0x", 4), alice, k_t0),
                                     k_t0 - seconds(60), k_t0 - seconds(600))
                .ok());
    // The insert above purged "old" (idle before the cutoff).
    CHECK_FALSE(repo->find_web_session("old")->has_value());
    REQUIRE(repo->insert_web_session(session("a2", alice, k_t0), long_ago, long_ago).ok());
    REQUIRE(repo->insert_web_session(session("b1", bob, k_t0), long_ago, long_ago).ok());
    auto dup = repo->insert_web_session(session("b1", bob, k_t0), long_ago, long_ago);
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::conflict);

    auto found = repo->find_web_session(std::string("a1\0x", 4));
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->account_id == alice);
    CHECK((*found)->created_at == k_t0);
    CHECK((*found)->user_agent == "browser");
    REQUIRE(repo->touch_web_session("a2", k_t0 + seconds(90)).ok());
    REQUIRE(repo->touch_web_session("a2", k_t0 + seconds(30)).ok());  // never backwards
    CHECK((*repo->find_web_session("a2"))->last_seen == k_t0 + seconds(90));

    REQUIRE(repo->delete_web_session("a2").ok());
    CHECK_FALSE(repo->find_web_session("a2")->has_value());
    auto n = repo->delete_web_sessions(alice);
    REQUIRE(n.ok());
    CHECK(*n == 1);
    CHECK(repo->find_web_session("b1")->has_value());
}

TEST_CASE("2FA setup secrets and recovery codes are kept per account", "[store][console]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    const auto bob = repo->create_account(account("bob"))->id;
    CHECK_FALSE(repo->find_pending_totp(alice)->has_value());
    REQUIRE(repo->set_pending_totp(alice, std::string("\x00sealed1", 8)).ok());
    REQUIRE(repo->set_pending_totp(alice, std::string("\x00sealed2", 8)).ok());
    CHECK(**repo->find_pending_totp(alice) == std::string("\x00sealed2", 8));
    CHECK_FALSE(repo->find_pending_totp(bob)->has_value());
    REQUIRE(repo->set_pending_totp(alice, "").ok());
    CHECK_FALSE(repo->find_pending_totp(alice)->has_value());

    REQUIRE(repo->replace_recovery_codes(alice, {"c1", "c2", std::string("c\0003", 3)}).ok());
    REQUIRE(repo->replace_recovery_codes(bob, {"c1"}).ok());
    CHECK(*repo->count_recovery_codes(alice) == 3);
    CHECK(*repo->consume_recovery_code(alice, "c1"));
    CHECK_FALSE(*repo->consume_recovery_code(alice, "c1"));  // once
    CHECK(*repo->consume_recovery_code(alice, std::string("c\0003", 3)));
    CHECK_FALSE(*repo->consume_recovery_code(alice, "nope"));
    CHECK(*repo->count_recovery_codes(alice) == 1);
    CHECK(*repo->count_recovery_codes(bob) == 1);  // bob's c1 untouched
    REQUIRE(repo->replace_recovery_codes(alice, {}).ok());
    CHECK(*repo->count_recovery_codes(alice) == 0);
}

TEST_CASE("device authorizations: unique user codes, one decision, one claim, purge",
          "[store][console]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    auto device = [](std::string digest, std::string code, Timestamp expires) {
        DeviceAuthRecord d;
        d.digest = std::move(digest);
        d.user_code = std::move(code);
        d.client_id = "docker-credential-pat";
        d.host_name = "build-box";
        d.helper_version = "0.1.0";
        d.client_ip = "127.0.0.1";
        d.created_at = k_t0;
        d.expires_at = expires;
        d.interval_seconds = 5;
        return d;
    };
    const Timestamp later = k_t0 + seconds(600);
    REQUIRE(
        repo->insert_device_auth(device("gone", "GONEGONE", k_t0 - seconds(1)), k_t0 - seconds(10))
            .ok());
    REQUIRE(repo->insert_device_auth(device("d1", "BCDFGHJK", later), k_t0).ok());
    CHECK_FALSE(repo->find_device_auth("gone")->has_value());  // expired before purge_before
    auto clash = repo->insert_device_auth(device("d2", "BCDFGHJK", later), k_t0);
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.error().code == ErrorCode::conflict);
    REQUIRE(repo->insert_device_auth(device("d3", "LMNPQRST", later), k_t0).ok());

    auto d = repo->find_device_auth_by_user_code("BCDFGHJK");
    REQUIRE(d->has_value());
    CHECK((*d)->digest == "d1");
    CHECK((*d)->status == DeviceStatus::pending);
    CHECK((*d)->host_name == "build-box");
    CHECK((*d)->expires_at == later);
    CHECK_FALSE((*d)->last_poll);
    REQUIRE(repo->record_device_poll("d1", k_t0 + seconds(5), 10).ok());
    auto polled = repo->find_device_auth("d1");
    CHECK((*polled)->last_poll == k_t0 + seconds(5));
    CHECK((*polled)->interval_seconds == 10);

    CHECK_FALSE(*repo->claim_device_auth("d1"));                             // not approved yet
    CHECK_FALSE(*repo->decide_device_auth("BCDFGHJK", alice, true, later));  // expired by then
    CHECK(*repo->decide_device_auth("BCDFGHJK", alice, true, k_t0));
    CHECK_FALSE(*repo->decide_device_auth("BCDFGHJK", alice, false, k_t0));  // decided
    CHECK((*repo->find_device_auth("d1"))->status == DeviceStatus::approved);
    CHECK((*repo->find_device_auth("d1"))->account_id == alice);
    CHECK(*repo->claim_device_auth("d1"));
    CHECK_FALSE(*repo->claim_device_auth("d1"));  // exactly once
    CHECK((*repo->find_device_auth("d1"))->status == DeviceStatus::issued);
    CHECK(*repo->decide_device_auth("LMNPQRST", alice, false, k_t0));
    CHECK((*repo->find_device_auth("d3"))->status == DeviceStatus::denied);
    CHECK_FALSE(repo->find_device_auth_by_user_code("XXXXXXXX")->has_value());
}

TEST_CASE("delete_auto_tokens removes only that account's auto-generated tokens",
          "[store][console]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    const auto bob = repo->create_account(account("bob"))->id;
    REQUIRE(repo->insert_token(token(alice, "m1", k_t0), std::nullopt).ok());
    REQUIRE(repo->insert_token(token(alice, "x1", k_t0, GeneratedBy::automatic), 5).ok());
    REQUIRE(
        repo->insert_token(token(alice, "x2", k_t0 + seconds(1), GeneratedBy::automatic), 5).ok());
    REQUIRE(repo->insert_token(token(bob, "y1", k_t0, GeneratedBy::automatic), 5).ok());
    // Read once so a cached row would answer if the delete forgot the cache.
    REQUIRE(repo->find_token_by_digest("digest-x1")->has_value());
    auto n = repo->delete_auto_tokens(alice);
    REQUIRE(n.ok());
    CHECK(*n == 2);
    CHECK_FALSE(repo->find_token_by_digest("digest-x1")->has_value());
    CHECK_FALSE(repo->find_token_by_digest("digest-x2")->has_value());
    CHECK(repo->find_token_by_digest("digest-m1")->has_value());
    CHECK(repo->find_token_by_digest("digest-y1")->has_value());
    CHECK(*repo->delete_auto_tokens(alice) == 0);
}

TEST_CASE("audit events: listed newest first per account, filtered, pruned, expiries once",
          "[store][audit]") {
    auto repo = fresh_repository();
    const auto alice = repo->create_account(account("alice"))->id;
    const auto bob = repo->create_account(account("bob"))->id;
    auto& log = repo->audit();
    const auto event = [&](std::int64_t who, std::string kind, std::string uuid, Timestamp at) {
        AuditEventRecord e;
        e.at = at;
        e.account_id = who;
        e.kind = std::move(kind);
        e.actor = "test";
        e.token_uuid = std::move(uuid);
        e.client_ip = "127.0.0.1";
        e.detail = "{}";
        REQUIRE(log.insert(e).ok());
    };
    event(alice, "token.used", "t1", k_t0);
    event(alice, "token.used", "t1", k_t0 + seconds(10));
    event(bob, "signin", "", k_t0 + seconds(20));
    event(0, "signin.failed", "", k_t0 + seconds(30));

    AuditFilter mine;
    mine.account_id = alice;
    auto page = log.list(mine, 0, 10);
    REQUIRE(page.ok());
    CHECK(page->count == 2);
    REQUIRE(page->rows.size() == 2);
    CHECK(page->rows[0].at == k_t0 + seconds(10));
    CHECK(page->rows[0].username == "alice");
    AuditFilter everyone;
    CHECK(log.list(everyone, 0, 10)->count == 4);
    CHECK(log.list(everyone, 0, 10)->rows[0].account_id == 0);
    AuditFilter window;
    window.since = k_t0 + seconds(10);
    window.until = k_t0 + seconds(30);
    CHECK(log.list(window, 0, 10)->count == 2);  // since inclusive, until exclusive
    AuditFilter by_token;
    by_token.token_uuid = "t1";
    by_token.account_id = bob;
    CHECK(log.list(by_token, 0, 10)->count == 0);  // another account's token: nothing

    auto ips = log.recent_addresses("t1", 10);
    REQUIRE(ips.ok());
    REQUIRE(ips->size() == 1);
    CHECK((*ips)[0].last_used == k_t0 + seconds(10));

    auto expiring = token(alice, "exp", k_t0);
    expiring.expires_at = k_t0 + seconds(5);
    REQUIRE(repo->insert_token(expiring, std::nullopt).ok());
    CHECK(*log.record_expirations(k_t0) == 0);
    CHECK(*log.record_expirations(k_t0 + seconds(5)) == 1);
    CHECK(*log.record_expirations(k_t0 + seconds(60)) == 0);  // once per token

    CHECK(*log.prune(k_t0 + seconds(10)) == 2);  // k_t0 and the expiry at k_t0 + 5 s
    CHECK(log.list(everyone, 0, 10)->count == 3);
}
