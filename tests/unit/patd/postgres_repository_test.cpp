// The PostgreSQL store against a real server: the conformance suite plus
// what only a shared database has. Run by with_postgres.sh, which starts a
// throw-away cluster and passes its URL in PATD_TEST_POSTGRES_URL.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "patd/store/postgres/pg_db.hpp"
#include "patd/store/postgres/pg_repository.hpp"
#include "store_conformance.hpp"

using namespace store_test;

namespace {
std::string url() {
    const char* u = std::getenv("PATD_TEST_POSTGRES_URL");
    if (!u || !*u) throw std::runtime_error("PATD_TEST_POSTGRES_URL is not set");
    return u;
}
}  // namespace

std::unique_ptr<Repository> store_test::fresh_repository() {
    pat::patd::pg::Connection admin(url());
    admin.exec_script("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    return make_postgres_repository(url());
}

TEST_CASE("two instances share one PostgreSQL database", "[store][postgres]") {
    auto first = fresh_repository();
    auto second = open_repository(url());  // migrations find the schema current
    REQUIRE(second.ok());
    const auto id = first->create_account(account("alice"))->id;
    REQUIRE((*second)->insert_token(token(id, "t1", k_t0), std::nullopt).ok());
    CHECK(first->find_token(id, "t1")->has_value());
    CHECK((*second)->create_account(account("alice")).error().code == ErrorCode::conflict);
    // A TOTP step is consumed once across instances.
    CHECK(*first->consume_totp_step(id, 5));
    CHECK_FALSE(*(*second)->consume_totp_step(id, 5));
    CHECK(first->ping().ok());
}

TEST_CASE("a newer PostgreSQL schema is refused", "[store][postgres]") {
    auto repo = fresh_repository();
    pat::patd::pg::Connection admin(url());
    admin.exec("UPDATE schema_version SET version = 999");
    auto again = open_repository(url());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message.find("newer than this patd") != std::string::npos);
}

TEST_CASE("PostgreSQL tables without a readable schema version are not migrated again",
          "[store][postgres][corrupt]") {
    auto repo = fresh_repository();
    REQUIRE(repo->create_account(account("alice")).ok());
    pat::patd::pg::Connection admin(url());
    admin.exec("DELETE FROM schema_version");
    auto again = open_repository(url());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message.find("the database is corrupt (it has patd's tables but no "
                                     "readable schema version in schema_version)") !=
          std::string::npos);
    CHECK(again.error().message.find("already exists") == std::string::npos);
    CHECK(repo->find_account("alice")->has_value());
}
