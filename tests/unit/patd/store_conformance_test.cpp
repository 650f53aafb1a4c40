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
