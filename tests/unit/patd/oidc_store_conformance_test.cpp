// The OidcStore part of the Repository conformance suite (see
// store_conformance.hpp): issuers, trust policies, the jti replay cache and
// tokens of the OIDC exchange, on every backend.
#include <catch2/catch.hpp>

#include "store_conformance.hpp"

using namespace store_test;
using std::chrono::seconds;

namespace {

OidcIssuerRecord issuer(std::string url) {
    OidcIssuerRecord r;
    r.uuid = "uuid-" + url;
    r.url = std::move(url);
    r.audience = "patd";
    r.created_at = k_t0;
    return r;
}

OidcPolicyRecord policy(std::int64_t account, std::int64_t issuer_id, std::string uuid,
                        Timestamp created = k_t0) {
    OidcPolicyRecord p;
    p.uuid = std::move(uuid);
    p.account_id = account;
    p.issuer_id = issuer_id;
    p.claims = {{"repository", "acme/*"}, {"ref", "refs/heads/main"}};
    p.scope = TokenScope::write;
    p.ttl = seconds(600);
    p.created_at = created;
    return p;
}

}  // namespace

TEST_CASE("issuers are stored once per URL and removed only without policies", "[store][oidc]") {
    auto repo = fresh_repository();
    auto& oidc = repo->oidc();
    auto gh = oidc.insert_issuer(issuer("https://token.actions.githubusercontent.com"));
    REQUIRE(gh.ok());
    CHECK(gh->id > 0);
    auto gl = oidc.insert_issuer(issuer("https://gitlab.com"));
    REQUIRE(gl.ok());
    auto dup = oidc.insert_issuer(issuer("https://gitlab.com"));
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::conflict);

    auto all = oidc.list_issuers();
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].url == "https://gitlab.com");
    CHECK((*all)[1].audience == "patd");
    CHECK((*all)[1].created_at == k_t0);
    auto found = oidc.find_issuer("https://gitlab.com");
    REQUIRE(found->has_value());
    CHECK((*found)->id == gl->id);
    CHECK_FALSE(oidc.find_issuer("https://gitlab.com/")->has_value());

    const auto acme = repo->create_account(account("acme"))->id;
    REQUIRE(oidc.insert_policy(policy(acme, gl->id, "p1")).ok());
    auto in_use = oidc.delete_issuer(gl->id);
    REQUIRE_FALSE(in_use.ok());
    CHECK(in_use.error().code == ErrorCode::conflict);
    CHECK(*oidc.delete_issuer(gh->id));
    CHECK_FALSE(*oidc.delete_issuer(gh->id));
    REQUIRE(*oidc.delete_policy(std::nullopt, "p1"));
    CHECK(*oidc.delete_issuer(gl->id));
    CHECK(oidc.list_issuers()->empty());
}

TEST_CASE("policies round-trip and are listed by account or issuer, oldest first",
          "[store][oidc]") {
    auto repo = fresh_repository();
    auto& oidc = repo->oidc();
    const auto acme = repo->create_account(account("acme"))->id;
    const auto other = repo->create_account(account("other"))->id;
    const auto gh = oidc.insert_issuer(issuer("https://gh.example"))->id;
    const auto gl = oidc.insert_issuer(issuer("https://gl.example"))->id;
    auto p2 = policy(acme, gl, "p2", k_t0 + seconds(2));
    p2.scope = TokenScope::admin;
    p2.ttl = seconds(3600);
    p2.claims = {{"project_path", "acme/app"}, {"ünïcode", "ß*"}};
    REQUIRE(oidc.insert_policy(p2).ok());
    REQUIRE(oidc.insert_policy(policy(acme, gh, "p1", k_t0 + seconds(1))).ok());
    REQUIRE(oidc.insert_policy(policy(other, gh, "p3", k_t0 + seconds(3))).ok());
    auto dup = oidc.insert_policy(policy(other, gh, "p3"));
    CHECK(dup.error().code == ErrorCode::conflict);

    auto all = oidc.list_policies({});
    REQUIRE(all->size() == 3);
    CHECK((*all)[0].uuid == "p1");
    CHECK((*all)[1].uuid == "p2");
    const auto& r = (*all)[1];
    CHECK(r.username == "acme");
    CHECK(r.issuer_url == "https://gl.example");
    CHECK(r.claims == p2.claims);
    CHECK(r.scope == TokenScope::admin);
    CHECK(r.ttl == seconds(3600));
    CHECK(r.created_at == k_t0 + seconds(2));

    OidcPolicyFilter by_account;
    by_account.account_id = acme;
    CHECK(oidc.list_policies(by_account)->size() == 2);
    OidcPolicyFilter by_issuer;
    by_issuer.issuer_id = gh;
    auto of_gh = oidc.list_policies(by_issuer);
    REQUIRE(of_gh->size() == 2);
    CHECK((*of_gh)[1].username == "other");

    CHECK_FALSE(*oidc.delete_policy(other, "p1"));  // not other's
    CHECK(*oidc.delete_policy(acme, "p1"));
    CHECK_FALSE(*oidc.delete_policy(std::nullopt, "p1"));
    CHECK(oidc.list_policies({})->size() == 2);
}

namespace {
// The exchange's audit record, written by issue_token with the token.
AuditEventRecord exchange_event(std::int64_t account_id, const TokenRecord& t) {
    AuditEventRecord e;
    e.at = t.created_at;
    e.account_id = account_id;
    e.kind = "oidc.exchange";
    e.actor = "oidc:job";
    e.token_uuid = t.uuid;
    e.detail = "{}";
    return e;
}
}  // namespace

TEST_CASE("a jti is consumed once until it expires, per issuer, with its token", "[store][oidc]") {
    auto repo = fresh_repository();
    auto& oidc = repo->oidc();
    const auto acme = repo->create_account(account("acme"))->id;
    const auto a = oidc.insert_issuer(issuer("https://a.example"))->id;
    const auto b = oidc.insert_issuer(issuer("https://b.example"))->id;
    const auto until = k_t0 + seconds(300);
    int n = 0;
    const auto issue = [&](std::int64_t iss, const char* jti, Timestamp expires, Timestamp now) {
        auto t = token(acme, "t" + std::to_string(++n), now, GeneratedBy::oidc);
        t.expires_at = now + seconds(60);
        auto r = oidc.issue_token(iss, jti, expires, now, t, exchange_event(acme, t));
        REQUIRE(r.ok());
        return r->has_value();
    };
    CHECK(issue(a, "j1", until, k_t0));
    CHECK_FALSE(issue(a, "j1", until, k_t0 + seconds(10)));
    CHECK(issue(b, "j1", until, k_t0));
    CHECK(issue(a, "j2", until, k_t0));
    // Past its expiry the entry no longer counts (the token cannot pass exp).
    CHECK(issue(a, "j1", until + seconds(600), until + seconds(1)));
    CHECK_FALSE(issue(a, "j1", until + seconds(600), until + seconds(2)));
    // A replay writes nothing: the tokens are those of the four fresh jtis.
    auto listed = oidc.list_tokens(acme, 0, 100);
    CHECK(listed->count == 4);
    CHECK(repo->find_token(acme, "t1")->has_value());
    CHECK_FALSE(repo->find_token(acme, "t2")->has_value());
    auto stored = repo->find_token(acme, "t3");
    REQUIRE(stored->has_value());
    CHECK((*stored)->generated_by == GeneratedBy::oidc);
    CHECK((*stored)->expires_at == k_t0 + seconds(60));
    // Each issued token's audit record came in the same transaction; a
    // replay recorded none.
    AuditFilter of_acme;
    of_acme.account_id = acme;
    auto events = repo->audit().list(of_acme, 0, 100);
    REQUIRE(events.ok());
    CHECK(events->count == 4);
    of_acme.token_uuid = "t2";
    CHECK(repo->audit().list(of_acme, 0, 100)->count == 0);
    of_acme.token_uuid = "t3";
    CHECK(repo->audit().list(of_acme, 0, 100)->count == 1);
    // A token that cannot be inserted (its digest exists) leaves the jti unused.
    auto dup = token(acme, "t1", k_t0, GeneratedBy::oidc);
    auto failed = oidc.issue_token(a, "j3", until, k_t0, dup, exchange_event(acme, dup));
    REQUIRE_FALSE(failed.ok());
    of_acme.token_uuid.reset();
    CHECK(repo->audit().list(of_acme, 0, 100)->count == 4);
    CHECK(issue(a, "j3", until, k_t0));
}

TEST_CASE("oidc tokens are listed apart, counted in no cap and deleted after expiry",
          "[store][oidc]") {
    auto repo = fresh_repository();
    const auto id = repo->create_account(account("acme"))->id;
    REQUIRE(repo->insert_token(token(id, "manual", k_t0), std::nullopt).ok());
    for (int i = 0; i < 5; ++i)
        REQUIRE(repo->insert_token(token(id, "auto" + std::to_string(i), k_t0 + seconds(i),
                                         GeneratedBy::automatic),
                                   5)
                    .ok());
    for (int i = 0; i < 3; ++i) {
        auto t = token(id, "oidc" + std::to_string(i), k_t0 + seconds(10 + i), GeneratedBy::oidc);
        t.expires_at = k_t0 + seconds(100 + 100 * i);
        REQUIRE(repo->insert_token(t, 5).ok());
    }
    // A sixth auto token still evicts only the oldest auto one.
    REQUIRE(
        repo->insert_token(token(id, "auto5", k_t0 + seconds(20), GeneratedBy::automatic), 5).ok());
    CHECK_FALSE(repo->find_token(id, "auto0")->has_value());

    auto listed = repo->list_tokens(id, 0, 100);
    REQUIRE(listed.ok());
    CHECK(listed->count == 6);
    for (const auto& t : listed->rows) CHECK(t.generated_by != GeneratedBy::oidc);
    auto oidc = repo->oidc().list_tokens(id, 0, 2);
    REQUIRE(oidc.ok());
    CHECK(oidc->count == 3);
    CHECK(oidc->active_count == 3);
    REQUIRE(oidc->rows.size() == 2);
    CHECK(oidc->rows[0].uuid == "oidc2");
    CHECK(oidc->rows[0].generated_by == GeneratedBy::oidc);
    CHECK(oidc->rows[0].expires_at == k_t0 + seconds(300));

    const auto iss = repo->oidc().insert_issuer(issuer("https://a.example"))->id;
    auto t_old = token(id, "jti-old", k_t0, GeneratedBy::oidc);
    t_old.expires_at = k_t0 + seconds(1000);
    REQUIRE(
        repo->oidc()
            .issue_token(iss, "old", k_t0 + seconds(150), k_t0, t_old, exchange_event(id, t_old))
            ->has_value());
    auto t_new = token(id, "jti-new", k_t0, GeneratedBy::oidc);
    t_new.expires_at = k_t0 + seconds(1000);
    REQUIRE(
        repo->oidc()
            .issue_token(iss, "new", k_t0 + seconds(500), k_t0, t_new, exchange_event(id, t_new))
            ->has_value());
    auto deleted = repo->oidc().delete_expired(k_t0 + seconds(200));
    REQUIRE(deleted.ok());
    CHECK(*deleted == 2);
    CHECK(repo->oidc().list_tokens(id, 0, 10)->count == 3);
    CHECK_FALSE(repo->find_token_by_digest("digest-oidc0")->has_value());
    CHECK(repo->find_token(id, "manual")->has_value());
    // "old" may be consumed again, "new" not.
    const auto later = k_t0 + seconds(200);
    auto again = token(id, "jti-again", later, GeneratedBy::oidc);
    CHECK(repo->oidc()
              .issue_token(iss, "old", k_t0 + seconds(900), later, again, exchange_event(id, again))
              ->has_value());
    auto replay = token(id, "jti-replay", later, GeneratedBy::oidc);
    CHECK_FALSE(
        repo->oidc()
            .issue_token(iss, "new", k_t0 + seconds(900), later, replay, exchange_event(id, replay))
            ->has_value());
}
