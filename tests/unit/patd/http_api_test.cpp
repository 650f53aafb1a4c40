// The HTTP API in process: the real TokenService on an in-memory SQLite
// database behind http::Api, driven with Request values (no sockets). Checks
// the route mapping, status codes, JSON shapes and the registry JWT.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/rfc3339.hpp"
#include "jwt_verify.hpp"
#include "patd/http/api.hpp"
#include "patd/jwt/keygen.hpp"

using nlohmann::json;
using namespace pat;

namespace {

struct Fixture {
    explicit Fixture(const Clock& clock = system_clock()) {
        auto material = jwt::generate_signing_material("patd", 1);
        REQUIRE(material.ok());
        cert_pem = material->cert_pem;
        auto made = jwt::Es256Signer::from_pem(material->key_pem, material->cert_pem);
        REQUIRE(made.ok());
        signer.emplace(std::move(made).value());
        auto repository = patd::open_repository("sqlite::memory:");
        REQUIRE(repository.ok());
        patd::ServiceOptions options;
        options.password_cost = patd::PasswordCost::minimum;
        options.public_namespaces = {"library"};
        service = std::make_unique<patd::TokenService>(
            std::move(repository).value(), Secret(std::string(32, 'p')), options, clock);
        REQUIRE(service->create_account("alice", Secret::copy_of("alice-password")).ok());
        http::ApiOptions options_http;
        options_http.public_url = "https://patd.example/";
        options_http.service = "registry.test";
        options_http.issuer = "patd-test";
        options_http.token_ttl_seconds = 120;
        options_http.trusted_proxies = {*patd::parse_network("10.1.0.0/16")};
        api.emplace(*service, *signer, options_http, clock);
    }

    http::Response call(const std::string& method, const std::string& target,
                        const std::string& body = {},
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Request req;
        req.method = method;
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos) req.query = target.substr(q + 1);
        req.headers = std::move(headers);
        req.body = body;
        req.client_ip = "192.0.2.7";
        return api->handle(req);
    }

    std::string session() {
        auto res =
            call("POST", "/v2/users/login", R"({"username":"alice","password":"alice-password"})");
        REQUIRE(res.status == 200);
        return json::parse(res.body)["token"].get<std::string>();
    }

    std::string cert_pem;
    std::optional<jwt::Es256Signer> signer;
    std::unique_ptr<patd::TokenService> service;
    std::optional<http::Api> api;
};

std::string basic(const std::string& user, const std::string& secret) {
    return "Basic " + base64_encode(user + ":" + secret);
}

}  // namespace

TEST_CASE("a PAT created over the API gets a verifiable registry token at /token",
          "[patd][http][api]") {
    Fixture f;
    const auto bearer = "Bearer " + f.session();
    auto created =
        f.call("POST", "/v2/access-tokens", R"({"token_label":"ci","scopes":["repo:write"]})",
               {{"authorization", bearer}, {"user-agent", "test-agent"}});
    REQUIRE(created.status == 201);
    const auto pat = json::parse(created.body);
    CHECK(pat["creator_ip"] == "192.0.2.7");
    CHECK(pat["creator_ua"] == "test-agent");
    CHECK(pat["scopes"] == json::array({"repo:write"}));
    CHECK(pat["last_used"].is_null());
    const std::string token = pat["token"];

    auto res = f.call("GET",
                      "/token?service=registry.test&scope=repository%3Aalice%2Fapp%3Apull%2Cpush"
                      "&scope=repository:bob/x:pull&account=alice&offline_token=true",
                      {}, {{"authorization", basic("alice", token)}});
    REQUIRE(res.status == 200);
    const auto reply = json::parse(res.body);
    CHECK_FALSE(reply.contains("refresh_token"));
    CHECK(reply["token"] == reply["access_token"]);
    CHECK(reply["expires_in"] == 120);
    CHECK(reply["issued_at"].is_string());
    const auto parts = test::split_dots(reply["token"]);
    REQUIRE(parts.size() == 3);
    CHECK(test::verify_es256(f.cert_pem, parts[0] + "." + parts[1], test::b64url_decode(parts[2])));
    const auto claims = json::parse(test::b64url_decode(parts[1]));
    CHECK(claims["iss"] == "patd-test");
    CHECK(claims["aud"] == "registry.test");
    CHECK(claims["sub"] == "alice");
    CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() == 120);
    // Own namespace granted; bob's repository is an empty grant, not an error.
    CHECK(claims["access"] ==
          json::parse(R"([{"type":"repository","name":"alice/app","actions":["pull","push"]}])"));
}

TEST_CASE("every 401 names a machine-readable reason beside the unchanged detail",
          "[patd][http][api]") {
    ManualClock clock(std::chrono::system_clock::now());
    Fixture f(clock);
    const auto bearer = "Bearer " + f.session();
    const auto create = [&](const std::string& body) {
        auto res = f.call("POST", "/v2/access-tokens", body, {{"authorization", bearer}});
        REQUIRE(res.status == 201);
        return json::parse(res.body);
    };
    const auto soon = format_rfc3339(std::chrono::floor<std::chrono::microseconds>(clock.now()) +
                                     std::chrono::hours(1));
    const auto expiring =
        create(R"({"token_label":"soon","scopes":["repo:read"],"expires_at":")" + soon + "\"}");
    const auto off = create(R"({"token_label":"off","scopes":["repo:read"]})");
    REQUIRE(f.call("PATCH", "/v2/access-tokens/" + off["uuid"].get<std::string>(),
                   R"({"is_active":false})", {{"authorization", bearer}})
                .status == 200);
    const auto gone = create(R"({"token_label":"gone","scopes":["repo:read"]})");
    REQUIRE(f.call("DELETE", "/v2/access-tokens/" + gone["uuid"].get<std::string>(), {},
                   {{"authorization", bearer}})
                .status == 204);
    clock.advance(std::chrono::hours(2));

    // {detail, reason} of a 401 from the API, {details, reason} from /token.
    const auto refusal = [](const http::Response& res, const char* text_field) {
        REQUIRE(res.status == 401);
        const auto body = json::parse(res.body);
        REQUIRE(body.contains("reason"));
        return std::pair(body[text_field].get<std::string>(), body["reason"].get<std::string>());
    };
    const auto current = [&](const std::string& user, const std::string& secret) {
        return refusal(f.call("GET", "/v2/access-tokens/current", {},
                              {{"authorization", basic(user, secret)}}),
                       "detail");
    };
    const auto token = [&](const std::string& user, const std::string& secret) {
        return refusal(f.call("GET", "/token?service=registry.test", {},
                              {{"authorization", basic(user, secret)}}),
                       "details");
    };
    using Pair = std::pair<std::string, std::string>;
    CHECK(current("alice", off["token"]) == Pair{"token is deactivated", "deactivated"});
    CHECK(current("alice", expiring["token"]) == Pair{"token has expired", "expired"});
    CHECK(current("alice", gone["token"]) == Pair{"unknown token", "unknown"});
    CHECK(current("bob", off["token"]) == Pair{"unknown token", "unknown"});
    CHECK(token("alice", off["token"]) == Pair{"token is deactivated", "deactivated"});
    CHECK(token("alice", expiring["token"]) == Pair{"token has expired", "expired"});
    CHECK(token("alice", gone["token"]) == Pair{"unknown token", "unknown"});
    CHECK(token("alice", "wrong-password") ==
          Pair{"incorrect username or password", "bad_credentials"});
    CHECK(
        refusal(f.call("GET", "/token?service=registry.test", {}, {{"authorization", "Basic !!!"}}),
                "details") == Pair{"malformed Basic credentials", "authentication_required"});
    CHECK(refusal(f.call("GET", "/v2/access-tokens"), "detail") ==
          Pair{"authentication required", "authentication_required"});
    CHECK(refusal(f.call("GET", "/v2/access-tokens", {}, {{"authorization", "Bearer a.b.c"}}),
                  "detail") == Pair{"invalid or expired session token", "session_invalid"});
    CHECK(refusal(f.call("POST", "/v2/users/login",
                         R"({"username":"alice","password":"not-her-password"})"),
                  "detail") == Pair{"Incorrect authentication credentials", "bad_credentials"});
}

TEST_CASE("/token errors use {details}; POST form and grant types", "[patd][http][api]") {
    Fixture f;
    auto bad = f.call("GET", "/token?service=registry.test", {},
                      {{"authorization", basic("alice", "wrong-password")}});
    CHECK(bad.status == 401);
    CHECK(json::parse(bad.body).contains("details"));

    auto refresh =
        f.call("POST", "/token", "grant_type=refresh_token&refresh_token=x&service=registry.test");
    CHECK(refresh.status == 400);
    CHECK(json::parse(refresh.body)["error"] == "unsupported_grant_type");

    auto form = f.call("POST", "/token",
                       "grant_type=password&username=alice&password=alice-password"
                       "&service=registry.test&client_id=containerd-client"
                       "&scope=repository%3Aalice%2Fa%3Apull+repository%3Alibrary%2Fb%3Apull");
    REQUIRE(form.status == 200);
    const auto claims =
        json::parse(test::b64url_decode(test::split_dots(json::parse(form.body)["token"])[1]));
    CHECK(claims["access"].size() == 2);

    auto anonymous = f.call("GET", "/token?service=registry.test&scope=repository:library/b:pull");
    REQUIRE(anonymous.status == 200);
}

TEST_CASE("management routes: auth, PAT sessions, validation and pagination", "[patd][http][api]") {
    Fixture f;
    CHECK(f.call("GET", "/v2/access-tokens").status == 401);
    const auto bearer = "Bearer " + f.session();
    auto malformed = f.call("POST", "/v2/access-tokens", "{not json", {{"authorization", bearer}});
    CHECK(malformed.status == 400);
    CHECK(json::parse(malformed.body).contains("fields"));
    auto alias = f.call("POST", "/v2/access-tokens", R"({"token_label":"x","scopes":["read"]})",
                        {{"authorization", bearer}});
    CHECK(alias.status == 400);
    CHECK(json::parse(alias.body)["fields"].contains("scopes"));

    std::string pat;
    for (int i = 0; i < 3; ++i) {
        auto res =
            f.call("POST", "/v2/access-tokens", R"({"token_label":"t","scopes":["repo:read"]})",
                   {{"authorization", bearer}});
        REQUIRE(res.status == 201);
        pat = json::parse(res.body)["token"];
    }
    auto page =
        f.call("GET", "/v2/access-tokens?page=2&page_size=1", {}, {{"authorization", bearer}});
    REQUIRE(page.status == 200);
    const auto listing = json::parse(page.body);
    CHECK(listing["count"] == 3);
    CHECK(listing["active_count"] == 3);
    CHECK(listing["results"].size() == 1);
    CHECK(listing["results"][0]["token"] == "");
    CHECK(listing["next"] == "https://patd.example/v2/access-tokens?page_size=1&page=3");
    CHECK(listing["previous"] == "https://patd.example/v2/access-tokens?page_size=1&page=1");

    // A session obtained with a PAT may not manage tokens.
    auto pat_login =
        f.call("POST", "/v2/users/login", json({{"username", "alice"}, {"password", pat}}).dump());
    REQUIRE(pat_login.status == 200);
    const auto pat_bearer = "Bearer " + json::parse(pat_login.body)["token"].get<std::string>();
    auto forbidden = f.call("GET", "/v2/access-tokens", {}, {{"authorization", pat_bearer}});
    CHECK(forbidden.status == 403);
    CHECK(json::parse(forbidden.body)["detail"] ==
          "access to the resource is forbidden with personal access token");

    auto current =
        f.call("GET", "/v2/access-tokens/current", {}, {{"authorization", basic("alice", pat)}});
    REQUIRE(current.status == 200);
    CHECK(json::parse(current.body)["token"] == "");
    CHECK(f.call("POST", "/v2/access-tokens/current/usage", {},
                 {{"authorization", basic("alice", pat)}})
              .status == 204);
    CHECK(f.call("PUT", "/v2/access-tokens/current").status == 405);
    // DELETE is `logout`'s: an auto-generated token deletes itself, a manual one cannot.
    CHECK(f.call("DELETE", "/v2/access-tokens/current").status == 401);
    CHECK(
        f.call("DELETE", "/v2/access-tokens/current", {}, {{"authorization", basic("alice", pat)}})
            .status == 409);
}

TEST_CASE("identical grants share a signed token only within the reuse window",
          "[patd][http][api]") {
    http::RegistryTokenCache cache(30);
    patd::Grant grant{"alice", {{"repository", "", "alice/app", {"pull"}}}};
    const auto key = http::RegistryTokenCache::key(grant);
    CHECK_FALSE(cache.find(key, 1000).has_value());
    cache.store(key, {"jwt-1", 1000, 1120});
    REQUIRE(cache.find(key, 1029).has_value());
    CHECK(cache.find(key, 1029)->jwt == "jwt-1");
    CHECK_FALSE(cache.find(key, 1030).has_value());  // window over
    CHECK_FALSE(cache.find(key, 999).has_value());   // clock went back
    // Other subject, other actions or other repository: other key.
    patd::Grant bob{"bob", grant.access};
    patd::Grant push{"alice", {{"repository", "", "alice/app", {"pull", "push"}}}};
    patd::Grant other{"alice", {{"repository", "", "alice/other", {"pull"}}}};
    CHECK(http::RegistryTokenCache::key(bob) != key);
    CHECK(http::RegistryTokenCache::key(push) != key);
    CHECK(http::RegistryTokenCache::key(other) != key);
    // A token is never handed out past its own exp, even inside the window.
    cache.store(key, {"jwt-short", 1000, 1010});
    CHECK(cache.find(key, 1009).has_value());
    CHECK_FALSE(cache.find(key, 1010).has_value());
    // A grant for an expiring PAT has its expiry in the key.
    patd::Grant expiring{grant.subject, grant.access, patd::from_micros(2'000'000'000)};
    CHECK(http::RegistryTokenCache::key(expiring) != key);
    http::RegistryTokenCache off(0);
    off.store(key, {"jwt", 1000, 1120});
    CHECK_FALSE(off.find(key, 1000).has_value());
}

TEST_CASE("a reused token reports its own issued_at and remaining life", "[patd][http][api]") {
    Fixture f;
    const std::string target = "/token?service=registry.test&scope=repository:library/b:pull";
    auto first = json::parse(f.call("GET", target).body);
    auto second = json::parse(f.call("GET", target).body);
    CHECK(first["token"] == second["token"]);
    CHECK(first["issued_at"] == second["issued_at"]);
    CHECK(second["expires_in"].get<long long>() <= 120);
    CHECK(second["expires_in"].get<long long>() >= 120 - 30);
    auto other = json::parse(f.call("GET", "/token?service=registry.test").body);
    CHECK(other["token"] != first["token"]);
}

TEST_CASE("a registry token never outlives the expiring PAT it was granted for",
          "[patd][http][api][oidc]") {
    Fixture f;  // token ttl 120 s
    const auto bearer = "Bearer " + f.session();
    const auto create = [&](const std::string& extra) {
        auto created = f.call("POST", "/v2/access-tokens",
                              R"({"token_label":"t","scopes":["repo:read"])" + extra + "}",
                              {{"authorization", bearer}});
        REQUIRE(created.status == 201);
        return json::parse(created.body);
    };
    const std::string target = "/token?service=registry.test&scope=repository:alice/app:pull";
    // A long-lived PAT first: its token is cached for the grant.
    const auto forever = create("");
    auto first = f.call("GET", target, {}, {{"authorization", basic("alice", forever["token"])}});
    REQUIRE(first.status == 200);
    CHECK(json::parse(first.body)["expires_in"] == 120);

    const auto expires = std::chrono::system_clock::now() + std::chrono::seconds(30);
    const auto expires_text = patd::format_rfc3339(patd::to_timestamp(expires));
    const auto expiring = create(R"(,"expires_at":")" + expires_text + "\"");
    auto res = f.call("GET", target, {}, {{"authorization", basic("alice", expiring["token"])}});
    REQUIRE(res.status == 200);
    const auto reply = json::parse(res.body);
    CHECK(reply["token"] != json::parse(first.body)["token"]);  // not the cached 120 s token
    CHECK(reply["expires_in"].get<long long>() <= 30);
    CHECK(reply["expires_in"].get<long long>() >= 25);
    const auto parts = test::split_dots(reply["token"]);
    REQUIRE(parts.size() == 3);
    const auto claims = json::parse(test::b64url_decode(parts[1]));
    const auto pat_exp =
        std::chrono::duration_cast<std::chrono::seconds>(
            patd::parse_rfc3339(expiring["expires_at"].get<std::string>())->time_since_epoch())
            .count();
    CHECK(claims["exp"].get<long long>() <= pat_exp);
    CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() ==
          reply["expires_in"].get<long long>());
}

TEST_CASE("POST /v2/credentials/revoke deactivates a reported token, says nothing, counts",
          "[patd][http][api][leak]") {
    Fixture f;
    const auto bearer = "Bearer " + f.session();
    auto created =
        f.call("POST", "/v2/access-tokens", R"({"token_label":"leaked","scopes":["repo:write"]})",
               {{"authorization", bearer}});
    REQUIRE(created.status == 201);
    const std::string token = json::parse(created.body)["token"];
    const std::string uuid = json::parse(created.body)["uuid"];

    // No authentication; the reply is the same for a match and for junk.
    auto hit = f.call("POST", "/v2/credentials/revoke",
                      json{{"credentials", {token, "dckr_pat_typo"}}}.dump());
    auto miss =
        f.call("POST", "/v2/credentials/revoke", json{{"credentials", {"dckr_pat_typo"}}}.dump());
    CHECK(hit.status == 202);
    CHECK(miss.status == 202);
    CHECK(hit.body == miss.body);
    auto detail = f.call("GET", "/v2/access-tokens/" + uuid, {}, {{"authorization", bearer}});
    CHECK(json::parse(detail.body)["is_active"] == false);
    CHECK(f.call("GET", "/token?service=registry.test", {},
                 {{"authorization", basic("alice", token)}})
              .status == 401);

    const auto metrics = f.call("GET", "/metrics").body;
    CHECK(metrics.find("patd_leak_reports_malformed_total 2\n") != std::string::npos);
    CHECK(metrics.find("patd_leak_reports_checked_total 1\n") != std::string::npos);

    const auto refusal = [&](const std::string& body) {
        auto res = f.call("POST", "/v2/credentials/revoke", body);
        CHECK(res.status == 400);
        return json::parse(res.body)["detail"].get<std::string>();
    };
    CHECK(refusal(R"({"credentials":[]})") == "credentials: must not be empty");
    CHECK(refusal(R"({"credentials":"x"})") == "credentials: must be a list of token strings");
    CHECK(refusal(R"({"credentials":[1]})") == "credentials: must be a list of token strings");
    CHECK(refusal(R"({})") == "credentials: must be a list of token strings");
    CHECK(refusal(json{{"credentials", std::vector<std::string>(1001, "x")}}.dump()) ==
          "credentials: at most 1000 per request");
}

TEST_CASE("POST /v2/credentials/revoke answers 429 past the source's budget",
          "[patd][http][api][leak]") {
    Fixture f;
    int status = 0;
    for (int i = 0; i < 500 && status != 429; ++i)
        status =
            f.call("POST", "/v2/credentials/revoke", R"({"credentials":["dckr_pat_x"]})").status;
    CHECK(status == 429);
}
