// The OIDC token exchange, trust policies and issuer administration of
// TokenService (docs/oidc.md), against an in-process issuer.
#include <catch2/catch.hpp>

#include "oidc_test_issuer.hpp"
#include "service_fixture.hpp"

using namespace patd_test;
using namespace oidc_test;
using std::chrono::seconds;

namespace {

const std::string k_iss = "https://ci.example";
const std::string k_aud = "patd-test";

const TestKey& rsa() {
    static const TestKey k = TestKey::rsa("rsa-1");
    return k;
}
const TestKey& ec() {
    static const TestKey k = TestKey::p256("ec-1");
    return k;
}

ServiceOptions oidc_options(std::shared_ptr<FakeFetcher> fetcher) {
    ServiceOptions o = test_options();
    o.rate_limit.free_failures = 1000;
    o.oidc.fetcher = std::move(fetcher);
    o.oidc.admins = {"admin"};
    o.oidc.refresh_interval = seconds(0);
    return o;
}

struct ExchangeFixture : ServiceFixture {
    std::shared_ptr<FakeFetcher> fetcher;
    int next_jti = 0;

    explicit ExchangeFixture(std::shared_ptr<FakeFetcher> f = std::make_shared<FakeFetcher>())
        : ServiceFixture(oidc_options(f)), fetcher(std::move(f)) {
        fetcher->issuer(k_iss, jwks_of({&rsa(), &ec()}));
        REQUIRE(service->add_oidc_issuer(k_iss, k_aud).ok());
        add_user("alice");
        add_user("bob");
        NewOidcPolicy p;
        p.account = "alice";
        p.issuer = k_iss;
        p.claims = {{"repository", "alice/*"}, {"ref", "refs/heads/main"}};
        p.scope = "repo:write";
        p.ttl = seconds(600);
        REQUIRE(service->add_oidc_policy(p).ok());
    }

    double t() const {
        return static_cast<double>(
            std::chrono::duration_cast<seconds>(clock.now().time_since_epoch()).count());
    }
    json claims() {
        return {{"iss", k_iss},
                {"aud", k_aud},
                {"sub", "repo:alice/app:ref:refs/heads/main"},
                {"repository", "alice/app"},
                {"ref", "refs/heads/main"},
                {"iat", t()},
                {"nbf", t()},
                {"exp", t() + 300},
                {"jti", "jti-" + std::to_string(++next_jti)}};
    }
    OidcExchangeRequest request(const std::string& id_token, std::string scope = "") {
        OidcExchangeRequest r;
        r.grant_type = std::string(k_grant_token_exchange);
        r.subject_token_type = std::string(k_token_type_id_token);
        r.subject_token = pat::Secret::copy_of(id_token);
        r.scope = std::move(scope);
        r.client = client;
        return r;
    }
    SResult<OidcExchangeResult> exchange(const std::string& id_token, std::string scope = "") {
        return service->exchange_oidc_token(request(id_token, std::move(scope)));
    }
    // The refusal text of exchanging `id_token`.
    std::string refusal(const std::string& id_token) {
        auto r = exchange(id_token);
        REQUIRE_FALSE(r.ok());
        return r.error().message;
    }
    // The error of /token with `pat` (unauthorized for an expired or deleted one).
    ErrorCode refused_at_token(const std::string& user, const pat::Secret& pat) {
        auto g = service->registry_grant(
            GrantRequest{basic(user.c_str(), pat), client, "r", {"repository:alice/app:pull"}});
        REQUIRE_FALSE(g.ok());
        return g.error().code;
    }
    std::vector<std::string> actions(const std::string& user, const pat::Secret& pat,
                                     const char* scope) {
        auto g =
            service->registry_grant(GrantRequest{basic(user.c_str(), pat), client, "r", {scope}});
        REQUIRE(g.ok());
        return g->access.empty() ? std::vector<std::string>{} : g->access[0].actions;
    }
};

}  // namespace

TEST_CASE("an ID token matching a policy becomes a short-lived PAT of the policy's scope",
          "[service][oidc]") {
    ExchangeFixture f;
    for (const TestKey* key : {&rsa(), &ec()}) {
        auto issued = f.exchange(key->token(f.claims()));
        REQUIRE(issued.ok());
        const auto& v = issued->token.view;
        CHECK(issued->username == "alice");
        CHECK(v.generated_by == GeneratedBy::oidc);
        CHECK(v.scope == TokenScope::write);
        CHECK(v.token_label == "OIDC repo:alice/app:ref:refs/heads/main");
        REQUIRE(v.expires_at);
        CHECK(*v.expires_at == f.now() + seconds(600));
        using V = std::vector<std::string>;
        CHECK(f.actions("alice", issued->token.token, "repository:alice/app:pull,push,delete") ==
              V{"pull", "push"});
        CHECK(f.actions("alice", issued->token.token, "repository:bob/app:pull,push").empty());
    }
}

TEST_CASE("only a policy that says repo:admin grants delete", "[service][oidc]") {
    ExchangeFixture f;
    NewOidcPolicy p;
    p.account = "bob";
    p.issuer = k_iss;
    p.claims = {{"repository", "bob/app"}};
    p.scope = "repo:admin";
    REQUIRE(f.service->add_oidc_policy(p).ok());
    auto claims = f.claims();
    claims["repository"] = "bob/app";
    auto issued = f.exchange(rsa().token(claims));
    REQUIRE(issued.ok());
    CHECK(issued->username == "bob");
    CHECK(issued->token.view.scope == TokenScope::admin);
    using V = std::vector<std::string>;
    CHECK(f.actions("bob", issued->token.token, "repository:bob/app:pull,push,delete") ==
          V{"pull", "push", "delete"});
    // alice's policy says repo:write: never delete (and never more when asked).
    auto write = f.exchange(rsa().token(f.claims()));
    REQUIRE(write.ok());
    CHECK(f.actions("alice", write->token.token, "repository:alice/app:delete").empty());
}

TEST_CASE("oidc tokens are listed apart and count in no cap", "[service][oidc]") {
    ExchangeFixture f;
    const auto alice = f.session_of("alice");
    for (int i = 0; i < 5; ++i) REQUIRE(f.service->desktop_generate(alice, f.client).ok());
    for (int i = 0; i < 3; ++i) REQUIRE(f.exchange(rsa().token(f.claims())).ok());
    REQUIRE(f.service->desktop_generate(alice, f.client).ok());  // evicts one auto token
    auto manual = f.service->list_tokens(alice, {});
    REQUIRE(manual.ok());
    CHECK(manual->count == 5);
    for (const auto& v : manual->results) CHECK(v.generated_by == GeneratedBy::automatic);
    auto oidc = f.service->list_oidc_tokens(alice, {});
    REQUIRE(oidc.ok());
    CHECK(oidc->count == 3);
    CHECK(oidc->active_count == 3);
    for (const auto& v : oidc->results) CHECK(v.generated_by == GeneratedBy::oidc);
    CHECK(f.service->list_oidc_tokens(f.session_of("bob"), {})->count == 0);
}

TEST_CASE("expired oidc tokens stop working and are swept", "[service][oidc]") {
    ExchangeFixture f;
    auto issued = f.exchange(ec().token(f.claims()));
    REQUIRE(issued.ok());
    const auto alice = f.session_of("alice");
    f.clock.advance(seconds(601));
    CHECK(f.refused_at_token("alice", issued->token.token) == ErrorCode::unauthorized);
    f.service->sweep_expired();
    CHECK(f.service->list_oidc_tokens(alice, {})->count == 0);
}

TEST_CASE("every refused ID token names the check that failed", "[service][oidc]") {
    ExchangeFixture f;
    auto c = f.claims();
    const std::string p = "id token refused: ";

    auto other_iss = f.claims();
    other_iss["iss"] = "https://other.example";
    CHECK(f.refusal(rsa().token(other_iss)) == p + "issuer 'https://other.example' is not trusted");
    auto aud = f.claims();
    aud["aud"] = "someone-else";
    CHECK(f.refusal(rsa().token(aud)) == p + "its aud does not contain 'patd-test'");
    auto expired = f.claims();
    expired["exp"] = f.t() - 60;
    CHECK(f.refusal(rsa().token(expired)) == p + "it has expired (exp)");
    auto early = f.claims();
    early["nbf"] = f.t() + 120;
    CHECK(f.refusal(rsa().token(early)) == p + "it is not valid yet (nbf)");
    auto no_jti = f.claims();
    no_jti.erase("jti");
    CHECK(f.refusal(rsa().token(no_jti)) == p + "it has no jti claim (needed to refuse replays)");

    const TestKey stranger = TestKey::rsa("rsa-1");  // same kid, other key
    CHECK(f.refusal(stranger.token(f.claims())) ==
          p + "the signature does not verify with the issuer's key");
    const TestKey unknown = TestKey::p256("not-published");
    CHECK(f.refusal(unknown.token(f.claims())) ==
          p + "signing key 'not-published' is not in the issuer's JWKS");
    CHECK(f.refusal(rsa().token(f.claims(), {{"alg", "none"}})) ==
          p + "algorithm 'none' is not accepted (only RS256 and ES256)");
    CHECK(f.refusal(rsa().token(f.claims(), {{"alg", "HS256"}})) ==
          p + "algorithm 'HS256' is not accepted (only RS256 and ES256)");
    CHECK(f.refusal(rsa().token(f.claims(), {{"kid", nullptr}})) ==
          p + "its header has no kid (or one over 128 characters)");
    CHECK(f.refusal("not-a-jwt") == p + "it is not a JWS in compact form (three base64url parts)");

    auto branch = f.claims();
    branch["ref"] = "refs/heads/feature";
    CHECK(f.refusal(rsa().token(branch)) == p + "no trust policy matches its claims");
    auto repo = f.claims();
    repo["repository"] = "bob/app";
    CHECK(f.refusal(rsa().token(repo)) == p + "no trust policy matches its claims");

    // None of the refused tokens was issued anything.
    CHECK(f.service->list_oidc_tokens(f.session_of("alice"), {})->count == 0);
}

TEST_CASE("an unknown kid is accepted once the issuer publishes it", "[service][oidc]") {
    ExchangeFixture f;
    const TestKey next = TestKey::p256("next");
    CHECK(f.refusal(next.token(f.claims())) ==
          "id token refused: signing key 'next' is not in the issuer's JWKS");
    f.fetcher->issuer(k_iss, jwks_of({&rsa(), &next}));
    CHECK(f.exchange(next.token(f.claims())).ok());
}

TEST_CASE("a jti is exchanged once", "[service][oidc]") {
    ExchangeFixture f;
    const std::string token = rsa().token(f.claims());
    REQUIRE(f.exchange(token).ok());
    CHECK(f.refusal(token) == "id token refused: its jti was used before (a replayed token)");
    // Also after the first PAT is gone: the ID token itself is still valid.
    f.clock.advance(seconds(200));
    f.service->sweep_expired();
    CHECK(f.refusal(token) == "id token refused: its jti was used before (a replayed token)");
}

TEST_CASE("a job may ask for less than the policy, never for more", "[service][oidc]") {
    ExchangeFixture f;
    auto less = f.exchange(rsa().token(f.claims()), "repo:read");
    REQUIRE(less.ok());
    CHECK(less->token.view.scope == TokenScope::read);
    auto more = f.exchange(rsa().token(f.claims()), "repo:admin");
    REQUIRE_FALSE(more.ok());
    CHECK(more.error().code == ErrorCode::bad_request);
    CHECK(more.error().fields.at("scope") ==
          "repo:admin is more than the trust policy grants (repo:write)");
}

TEST_CASE("a malformed exchange request is a bad request", "[service][oidc]") {
    ExchangeFixture f;
    auto r = f.request(rsa().token(f.claims()));
    r.grant_type = "password";
    CHECK(f.service->exchange_oidc_token(r).error().fields.count("grant_type"));
    r = f.request(rsa().token(f.claims()));
    r.subject_token_type = "urn:ietf:params:oauth:token-type:saml2";
    CHECK(f.service->exchange_oidc_token(r).error().fields.count("subject_token_type"));
    CHECK(f.exchange("").error().fields.count("subject_token"));
}

TEST_CASE("an issuer whose keys cannot be fetched makes the exchange unavailable",
          "[service][oidc]") {
    auto fetcher = std::make_shared<FakeFetcher>();
    ExchangeFixture f(fetcher);
    REQUIRE(f.service->add_oidc_issuer("https://down.example", "").ok());
    auto c = f.claims();
    c["iss"] = "https://down.example";
    c["aud"] = std::string(k_oidc_default_audience);
    auto r = f.exchange(rsa().token(c));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::unavailable);
    CHECK(r.error().message ==
          "cannot check the id token now: cannot fetch the issuer's signing keys: discovery "
          "document: https://down.example: connection refused");
}

TEST_CASE("a revoked oidc token no longer authenticates; other tokens do not revoke this way",
          "[service][oidc]") {
    ExchangeFixture f;
    auto issued = f.exchange(rsa().token(f.claims()));
    REQUIRE(issued.ok());
    REQUIRE(f.service->revoke_oidc_token(issued->token.token, f.client).ok());
    CHECK(f.refused_at_token("alice", issued->token.token) == ErrorCode::unauthorized);
    CHECK(f.service->revoke_oidc_token(issued->token.token, f.client).ok());  // nothing left
    const auto manual = f.make_token(f.session_of("alice"), "repo:read");
    auto refused = f.service->revoke_oidc_token(manual.token, f.client);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::bad_request);
    CHECK(f.actions("alice", manual.token, "repository:alice/app:pull") ==
          std::vector<std::string>{"pull"});
}

TEST_CASE("trust policies are checked before they are stored", "[service][oidc]") {
    ExchangeFixture f;
    NewOidcPolicy p;
    p.account = "bob";
    p.issuer = k_iss;
    p.claims = {{"repository", "bob/app"}};
    p.scope = "write";
    auto problem = [&](const NewOidcPolicy& q) {
        auto r = f.service->add_oidc_policy(q);
        REQUIRE_FALSE(r.ok());
        REQUIRE(r.error().fields.size() == 1);
        return r.error().fields.begin()->first + ": " + r.error().fields.begin()->second;
    };
    auto q = p;
    q.claims = {};
    CHECK(problem(q) == "claims: at least one claim condition is required (e.g. sub=…)");
    q.claims = {{"sub", "*"}};
    CHECK(problem(q) == "claims: at least one condition must be more than '*'");
    q.claims = {{"iss", "x"}};
    CHECK(problem(q) == "claims: iss is the policy's issuer; do not list it as a claim");
    q = p;
    q.scope = "public-read";
    CHECK(problem(q) == "scope: must be repo:read, repo:write or repo:admin");
    q.scope.reset();
    CHECK(problem(q) == "scope: is required (repo:read, repo:write, repo:admin)");
    q = p;
    q.ttl = seconds(3601);
    CHECK(problem(q) == "ttl: must be between 10 seconds and 1 hour");
    q = p;
    q.issuer = "https://unknown.example";
    CHECK(problem(q) == "issuer: is not a trusted issuer (patd oidc add-issuer)");
    auto added = f.service->add_oidc_policy(p);
    REQUIRE(added.ok());
    CHECK(added->ttl == seconds(900));  // the default lifetime
    CHECK(f.service->list_oidc_policies(std::string_view("bob"))->size() == 1);
    auto in_use = f.service->remove_oidc_issuer(k_iss);
    REQUIRE_FALSE(in_use.ok());
    CHECK(in_use.error().code == ErrorCode::conflict);
}

TEST_CASE("the API manages only the caller's policies; issuers only for oidc admins",
          "[service][oidc]") {
    ExchangeFixture f;
    f.add_user("admin");
    const auto admin = f.session_of("admin");
    const auto bob = f.session_of("bob");
    auto denied = f.service->add_oidc_issuer(bob, "https://gitlab.example", "");
    REQUIRE_FALSE(denied.ok());
    CHECK(denied.error().code == ErrorCode::forbidden);
    CHECK(http_status(denied.error().code) == 403);
    auto added = f.service->add_oidc_issuer(admin, "https://gitlab.example", "");
    REQUIRE(added.ok());
    CHECK(added->audience == "docker-credential-pat");
    CHECK(f.service->list_oidc_issuers(bob)->size() == 2);

    NewOidcPolicy p;
    p.account = "alice";  // ignored: the API takes the caller's account
    p.issuer = k_iss;
    p.claims = {{"repository", "bob/*"}};
    p.scope = "read";
    auto mine = f.service->add_oidc_policy(bob, p);
    REQUIRE(mine.ok());
    CHECK(mine->account == "bob");
    const auto alice = f.session_of("alice");
    auto alices = f.service->list_oidc_policies(alice);
    REQUIRE(alices->size() == 1);
    CHECK(f.service->remove_oidc_policy(alice, mine->id).error().code == ErrorCode::not_found);
    CHECK(f.service->remove_oidc_policy(bob, mine->id).ok());

    const auto pat = f.make_token(bob, "repo:admin");
    const auto pat_session = f.pat_session_of("bob", pat.token);
    CHECK(f.service->list_oidc_policies(pat_session).error().code ==
          ErrorCode::forbidden_pat_session);
}

TEST_CASE("claims matching policies of two accounts need the account named", "[service][oidc]") {
    ExchangeFixture f;
    NewOidcPolicy p;
    p.account = "bob";
    p.issuer = k_iss;
    p.claims = {{"repository", "alice/app"}};
    p.scope = "read";
    REQUIRE(f.service->add_oidc_policy(p).ok());
    CHECK(f.refusal(rsa().token(f.claims())) ==
          "id token refused: its claims match trust policies of several accounts (alice, bob); "
          "name one with account=");
    auto r = f.request(rsa().token(f.claims()));
    r.account = "bob";
    auto issued = f.service->exchange_oidc_token(r);
    REQUIRE(issued.ok());
    CHECK(issued->username == "bob");
    CHECK(issued->token.view.scope == TokenScope::read);
}
