#pragma once
// One conformance suite for every Repository implementation (SQLite always,
// PostgreSQL when a server is at hand): each test executable links the suite
// and defines fresh_repository() for its backend.

#include <memory>
#include <string>

#include "patd/store/repository.hpp"

namespace store_test {

using namespace pat::patd;

// An empty, migrated repository of the backend under test.
std::unique_ptr<Repository> fresh_repository();

// Several threads insert (manual and auto-generated), look up and update
// tokens at once; checks nothing failed and the auto cap held.
// `per_thread` must be even.
void exercise_concurrently(Repository& repo, int threads, int per_thread);

inline const Timestamp k_t0 = from_micros(1'700'000'000'000'000);

inline AccountRecord account(std::string name) {
    AccountRecord a;
    a.username = std::move(name);
    a.password_hash = "$argon2id$fake";
    a.created_at = k_t0;
    return a;
}

inline TokenRecord token(std::int64_t account_id, std::string uuid, Timestamp created,
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

}  // namespace store_test
