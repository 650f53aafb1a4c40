#include "patd/store/sqlite/sqlite_repository.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "patd/store/repository.hpp"

using namespace pat::patd;
using std::chrono::seconds;

namespace {
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "patd-store-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

const Timestamp k_t0 = from_micros(1'700'000'000'000'000);

AccountRecord account(std::string name) {
    AccountRecord a;
    a.username = std::move(name);
    a.password_hash = "$argon2id$fake";
    a.created_at = k_t0;
    return a;
}

TokenRecord token(std::int64_t account_id, std::string uuid, Timestamp created,
                  GeneratedBy by = GeneratedBy::manual) {
    TokenRecord t;
    t.uuid = uuid;
    t.account_id = account_id;
    t.digest = "digest-" + uuid;
    t.label = "label " + uuid;
    t.scope = TokenScope::write;
    t.generated_by = by;
    t.client_id = "patd";
    t.creator_ip = "127.0.0.1";
    t.creator_ua = "test";
    t.created_at = created;
    return t;
}
}  // namespace

TEST_CASE("accounts are created once and found by name or id", "[store]") {
    auto repo = make_sqlite_repository(":memory:");
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
    auto repo = make_sqlite_repository(":memory:");
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
    auto repo = make_sqlite_repository(":memory:");
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

TEST_CASE("a sixth auto-generated token evicts the oldest auto one only", "[store]") {
    auto repo = make_sqlite_repository(":memory:");
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
    auto repo = make_sqlite_repository(":memory:");
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

TEST_CASE("a file database persists across reopen and migrates once", "[store]") {
    TempDir dir;
    const std::string url = "sqlite://" + (dir.path / "patd.db").string();
    {
        auto repo = open_repository(url);
        REQUIRE(repo.ok());
        REQUIRE((*repo)->create_account(account("alice")).ok());
    }
    auto again = open_repository(url);
    REQUIRE(again.ok());
    CHECK((*again)->find_account("alice")->has_value());
}

TEST_CASE("open_repository picks the backend by URL scheme", "[store]") {
    CHECK(open_repository("sqlite::memory:").ok());
    auto pg = open_repository("postgresql://localhost/patd");
    REQUIRE_FALSE(pg.ok());
    CHECK(pg.error().code == ErrorCode::bad_request);
    CHECK(pg.error().message.find("PostgreSQL is not supported yet") != std::string::npos);
    CHECK_FALSE(open_repository("mysql://x").ok());
    CHECK_FALSE(open_repository("sqlite://").ok());
    auto bad = open_repository("sqlite:///nonexistent-dir/x/y.db");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::unavailable);
}

TEST_CASE("the file store serves concurrent writers and readers", "[store][threads]") {
    TempDir dir;
    auto repo = make_sqlite_repository((dir.path / "patd.db").string(), 4);
    const auto id = repo->create_account(account("alice"))->id;
    constexpr int k_threads = 8;
    constexpr int k_per_thread = 40;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_per_thread; ++i) {
                const std::string uuid = std::to_string(t) + "-" + std::to_string(i);
                if (!repo->insert_token(token(id, uuid, k_t0 + seconds(i)), 5).ok()) ++failures;
                auto found = repo->find_token_by_digest("digest-" + uuid);
                if (!found.ok() || !found->has_value()) {
                    ++failures;
                    continue;
                }
                if (!repo->update_last_used({{(**found).id, k_t0}}).ok()) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(repo->list_tokens(id, 0, 1)->count == k_threads * k_per_thread);
}
