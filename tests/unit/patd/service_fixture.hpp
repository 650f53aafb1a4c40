#pragma once
// Test fixture for TokenService: in-memory SQLite behind a spy that counts
// repository calls, a manual clock, seeded randomness, cheap password hashing
// and small rate limits (no budget for correct passwords).

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>

#include "common/clock.hpp"
#include "patd/service/token_service.hpp"
#include "patd/store/sqlite/sqlite_repository.hpp"

namespace patd_test {

using namespace pat::patd;

// Forwards to a real repository and counts every call.
class SpyRepository final : public Repository {
  public:
    explicit SpyRepository(std::unique_ptr<Repository> inner) : m_inner(std::move(inner)) {}
    std::atomic<int> calls{0};
    std::atomic<int> last_used_writes{0};

#define PATD_SPY(ret, name, params, args) \
    ret name params override {            \
        ++calls;                          \
        return m_inner->name args;        \
    }
    PATD_SPY(SResult<AccountRecord>, create_account, (const AccountRecord& a), (a))
    PATD_SPY(SResult<std::optional<AccountRecord>>, find_account, (std::string_view u), (u))
    PATD_SPY(SResult<std::optional<AccountRecord>>, find_account_by_id, (std::int64_t id), (id))
    PATD_SPY(SResult<std::vector<AccountRecord>>, list_accounts, (), ())
    PATD_SPY(SResult<void>, set_password_hash, (std::int64_t id, const std::string& h), (id, h))
    PATD_SPY(SResult<void>, set_totp, (std::int64_t id, bool e, const std::string& s), (id, e, s))
    PATD_SPY(SResult<bool>, consume_totp_step, (std::int64_t id, std::int64_t step), (id, step))
    PATD_SPY(SResult<std::optional<TokenRecord>>, find_token_by_digest, (std::string_view d), (d))
    using TokenAndOwner = std::optional<std::pair<TokenRecord, AccountRecord>>;
    PATD_SPY(SResult<TokenAndOwner>, find_token_and_owner, (std::string_view d), (d))
    PATD_SPY(SResult<std::optional<TokenRecord>>, find_token, (std::int64_t a, std::string_view u),
             (a, u))
    PATD_SPY(SResult<TokenListing>, list_tokens, (std::int64_t a, long long o, long long l),
             (a, o, l))
    PATD_SPY(SResult<TokenRecord>, insert_token, (const TokenRecord& t, std::optional<int> m),
             (t, m))
    PATD_SPY(SResult<std::optional<TokenRecord>>, update_token,
             (std::int64_t a, std::string_view u, const TokenPatch& p), (a, u, p))
    PATD_SPY(SResult<bool>, delete_token, (std::int64_t a, std::string_view u), (a, u))
    PATD_SPY(SResult<void>, ping, (), ())
    PATD_SPY(SResult<void>, insert_web_session,
             (const WebSessionRecord& s, Timestamp i, Timestamp a), (s, i, a))
    PATD_SPY(SResult<std::optional<WebSessionRecord>>, find_web_session, (std::string_view d), (d))
    PATD_SPY(SResult<void>, touch_web_session, (std::string_view d, Timestamp t), (d, t))
    PATD_SPY(SResult<void>, delete_web_session, (std::string_view d), (d))
    PATD_SPY(SResult<long long>, delete_web_sessions, (std::int64_t a), (a))
    PATD_SPY(SResult<long long>, delete_auto_tokens, (std::int64_t a), (a))
    PATD_SPY(SResult<void>, set_pending_totp, (std::int64_t a, const std::string& s), (a, s))
    PATD_SPY(SResult<std::optional<std::string>>, find_pending_totp, (std::int64_t a), (a))
    PATD_SPY(SResult<void>, replace_recovery_codes,
             (std::int64_t a, const std::vector<std::string>& d), (a, d))
    PATD_SPY(SResult<bool>, consume_recovery_code, (std::int64_t a, std::string_view d), (a, d))
    PATD_SPY(SResult<long long>, count_recovery_codes, (std::int64_t a), (a))
    PATD_SPY(SResult<void>, insert_device_auth, (const DeviceAuthRecord& d, Timestamp p), (d, p))
    PATD_SPY(SResult<std::optional<DeviceAuthRecord>>, find_device_auth, (std::string_view d), (d))
    PATD_SPY(SResult<std::optional<DeviceAuthRecord>>, find_device_auth_by_user_code,
             (std::string_view u), (u))
    PATD_SPY(SResult<void>, record_device_poll, (std::string_view d, Timestamp t, std::int64_t i),
             (d, t, i))
    PATD_SPY(SResult<bool>, decide_device_auth,
             (std::string_view u, std::int64_t a, bool ok, Timestamp t), (u, a, ok, t))
    PATD_SPY(SResult<bool>, claim_device_auth, (std::string_view d), (d))
#undef PATD_SPY
    SResult<void> update_last_used(
        const std::vector<std::pair<std::int64_t, Timestamp>>& e) override {
        ++calls;
        ++last_used_writes;
        return m_inner->update_last_used(e);
    }
    OidcStore& oidc() override {
        return m_inner->oidc();
    }
    AuditStore& audit() override {
        return m_inner->audit();
    }

  private:
    std::unique_ptr<Repository> m_inner;
};

inline ServiceOptions test_options() {
    ServiceOptions o;
    o.password_cost = PasswordCost::minimum;
    o.rate_limit.free_failures = 3;
    o.rate_limit.first_delay = std::chrono::seconds(120);
    o.rate_limit.max_delay = std::chrono::seconds(960);
    o.rate_limit.password_logins_per_minute = 0;  // tests log in a lot
    o.public_namespaces = {"library"};
    return o;
}

struct ServiceFixture {
    pat::ManualClock clock;
    SeededRandom random{42};
    SpyRepository* spy = nullptr;
    std::unique_ptr<TokenService> service;
    ClientInfo client{"10.0.0.1", "test-agent/1.0", "docker"};

    explicit ServiceFixture(ServiceOptions options = test_options()) {
        auto inner = make_sqlite_repository(":memory:");
        auto s = std::make_unique<SpyRepository>(std::move(inner));
        spy = s.get();
        service =
            std::make_unique<TokenService>(std::move(s), pat::Secret::copy_of(std::string(32, 'p')),
                                           std::move(options), clock, random);
    }

    pat::Secret pw(const char* text) { return pat::Secret::copy_of(text); }

    void add_user(const char* name, const char* password = "password1") {
        REQUIRE(service->create_account(name, pw(password)).ok());
    }
    Principal session_of(const char* name, const char* password = "password1") {
        auto token = service->login(name, pw(password), client);
        REQUIRE(token.ok());
        auto p = service->authenticate_session(token->reveal());
        REQUIRE(p.ok());
        return *p;
    }
    // The principal of a session opened by logging in with `pat`.
    Principal pat_session_of(const char* name, const pat::Secret& pat) {
        auto token = service->login(name, pat, client);
        REQUIRE(token.ok());
        auto p = service->authenticate_session(token->reveal());
        REQUIRE(p.ok());
        return *p;
    }
    CreatedToken make_token(const Principal& who, const char* scope,
                            std::optional<Timestamp> expires = std::nullopt) {
        auto t = service->create_token(who, NewTokenRequest{"label", {scope}, expires}, client);
        REQUIRE(t.ok());
        return std::move(*t);
    }
    // Account "alice" with a password session and one PAT of `scope`.
    struct Owned {
        Principal owner;
        CreatedToken pat;
    };
    Owned alice_with(const char* scope) {
        add_user("alice");
        Principal owner = session_of("alice");
        CreatedToken pat = make_token(owner, scope);
        return Owned{std::move(owner), std::move(pat)};
    }
    BasicCredentials basic(const char* user, const pat::Secret& secret) {
        return BasicCredentials{user, secret.clone()};
    }
    Timestamp now() const { return to_timestamp(clock.now()); }
};

}  // namespace patd_test
