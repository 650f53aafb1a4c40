#include <catch2/catch.hpp>

#include "common/hex.hpp"
#include "patd/crypto/token_format.hpp"
#include "service_fixture.hpp"

using namespace patd_test;
using pat::is_well_formed_token;
using std::chrono::days;
using std::chrono::seconds;

TEST_CASE("creating a token returns the plaintext once and records its origin",
          "[service][tokens]") {
    ServiceFixture f;
    f.add_user("alice");
    const auto owner = f.session_of("alice");
    auto created = f.service->create_token(
        owner, NewTokenRequest{"laptop", {"write"}, f.now() + days(30)}, f.client);
    REQUIRE(created.ok());
    CHECK(is_well_formed_token("dckr_pat_", created->token.reveal()));
    const AccessTokenView& v = created->view;
    CHECK(v.uuid.size() == 36);
    CHECK(v.uuid[14] == '4');
    CHECK(v.token_label == "laptop");
    CHECK(v.scope == TokenScope::write);  // the CLI alias is normalised
    CHECK(v.is_active);
    CHECK(v.generated_by == GeneratedBy::manual);
    CHECK(v.client_id == "docker");
    CHECK(v.creator_ip == "10.0.0.1");
    CHECK(v.creator_ua == "test-agent/1.0");
    CHECK(v.created_at == f.now());
    CHECK(v.expires_at == f.now() + days(30));
    CHECK_FALSE(v.last_used);
    CHECK(f.service->stats().tokens_created == 1);

    auto got = f.service->get_token(owner, v.uuid);
    REQUIRE(got.ok());
    CHECK(got->token_label == "laptop");
}

TEST_CASE("token requests are validated field by field", "[service][tokens]") {
    ServiceFixture f;
    f.add_user("alice");
    const auto owner = f.session_of("alice");
    const auto bad_field = [&](const NewTokenRequest& r) -> std::string {
        auto result = f.service->create_token(owner, r, f.client);
        REQUIRE_FALSE(result.ok());
        REQUIRE(result.error().code == ErrorCode::bad_request);
        REQUIRE(result.error().fields.size() == 1);
        return result.error().fields.begin()->first;
    };
    CHECK(bad_field({"", {"repo:read"}, {}}) == "token_label");
    CHECK(bad_field({std::string(101, 'x'), {"repo:read"}, {}}) == "token_label");
    CHECK(bad_field({"bad\xff", {"repo:read"}, {}}) == "token_label");
    CHECK(bad_field({"tab\there", {"repo:read"}, {}}) == "token_label");
    CHECK(bad_field({"ok", {}, {}}) == "scopes");
    CHECK(bad_field({"ok", {"repo:read", "repo:write"}, {}}) == "scopes");
    CHECK(bad_field({"ok", {"repo:owner"}, {}}) == "scopes");
    CHECK(bad_field({"ok", {"repo:read"}, f.now()}) == "expires_at");
    CHECK(bad_field({"ok", {"repo:read"}, f.now() - seconds(1)}) == "expires_at");
    CHECK(bad_field({"ok", {"repo:read"}, f.now() + days(367)}) == "expires_at");

    CHECK(
        f.service->create_token(owner, {std::string(100, 'x'), {"repo:admin"}, {}}, f.client).ok());
    CHECK(f.service
              ->create_token(owner, {"\xc3\xa9t\xc3\xa9", {"public-read"}, f.now() + days(365)},
                             f.client)
              .ok());
    CHECK(f.service->stats().tokens_created == 2);
}

TEST_CASE(
    "token labels must be strict UTF-8: overlong, surrogate and out-of-range forms are "
    "refused on create and on patch",
    "[service][tokens][security]") {
    ServiceFixture f;
    f.add_user("alice");
    const auto owner = f.session_of("alice");
    auto created = f.service->create_token(owner, {"kept", {"repo:read"}, {}}, f.client);
    REQUIRE(created.ok());
    for (const std::string& label : {
             std::string("nul\xc0\x80", 5),    // overlong U+0000
             std::string("\xe0\x80\xaf"),      // overlong '/'
             std::string("\xf0\x80\x80\x80"),  // overlong, four bytes
             std::string("\xed\xa0\x80"),      // UTF-16 surrogate U+D800
             std::string("\xed\xbf\xbf"),      // UTF-16 surrogate U+DFFF
             std::string("\xf4\x90\x80\x80"),  // U+110000, beyond Unicode
             std::string("\xf5\x80\x80\x80"),  // lead byte F5
             std::string("cut\xe2\x82"),       // truncated
         }) {
        INFO("label bytes: " << pat::to_hex(label));
        auto made = f.service->create_token(owner, {label, {"repo:read"}, {}}, f.client);
        REQUIRE_FALSE(made.ok());
        CHECK(made.error().fields.begin()->first == "token_label");
        CHECK(made.error().fields.begin()->second == "must be 1-100 characters of valid UTF-8");
        auto patched =
            f.service->patch_token(owner, created->view.uuid, TokenPatch{label, std::nullopt});
        REQUIRE_FALSE(patched.ok());
        CHECK(patched.error().fields.begin()->first == "token_label");
    }
    CHECK(f.service->get_token(owner, created->view.uuid)->token_label == "kept");
    CHECK(f.service->list_tokens(owner, PageRequest{1, 100})->count == 1);
}

TEST_CASE("listing pages newest first with count and active_count", "[service][tokens]") {
    ServiceFixture f;
    f.add_user("alice");
    f.add_user("bob");
    const auto alice = f.session_of("alice");
    const auto bob = f.session_of("bob");
    std::vector<std::string> uuids;
    for (int i = 0; i < 12; ++i) {
        uuids.push_back(f.make_token(alice, "repo:read").view.uuid);
        f.clock.advance(seconds(1));
    }
    f.make_token(bob, "repo:read");
    REQUIRE(f.service->patch_token(alice, uuids[0], TokenPatch{std::nullopt, false}).ok());

    auto first = f.service->list_tokens(alice, PageRequest{});
    REQUIRE(first.ok());
    CHECK(first->count == 12);
    CHECK(first->active_count == 11);
    CHECK(first->has_next);
    CHECK_FALSE(first->has_previous);
    REQUIRE(first->results.size() == 10);
    CHECK(first->results[0].uuid == uuids[11]);

    auto second = f.service->list_tokens(alice, PageRequest{2, 10});
    REQUIRE(second->results.size() == 2);
    CHECK(second->results[1].uuid == uuids[0]);
    CHECK_FALSE(second->results[1].is_active);
    CHECK_FALSE(second->has_next);
    CHECK(second->has_previous);

    CHECK(f.service->list_tokens(alice, PageRequest{3, 10})->results.empty());
    CHECK(f.service->list_tokens(alice, PageRequest{0, 10}).error().fields.count("page") == 1);
    CHECK(f.service->list_tokens(alice, PageRequest{1, 0}).error().fields.count("page_size") == 1);
    CHECK(f.service->list_tokens(alice, PageRequest{1, 101}).error().code ==
          ErrorCode::bad_request);
    CHECK(f.service->list_tokens(alice, PageRequest{1, 100})->results.size() == 12);
}

TEST_CASE("desktop-generate keeps at most five auto tokens", "[service][tokens]") {
    ServiceFixture f;
    f.add_user("alice");
    const auto owner = f.session_of("alice");
    const auto manual = f.make_token(owner, "repo:read").view.uuid;
    std::vector<CreatedToken> autos;
    for (int i = 0; i < 6; ++i) {
        f.clock.advance(seconds(1));
        auto t = f.service->desktop_generate(owner, f.client);
        REQUIRE(t.ok());
        CHECK(t->view.generated_by == GeneratedBy::automatic);
        CHECK(t->view.scope == TokenScope::admin);
        CHECK(t->view.token_label == "Generated by Docker Desktop for CLI usage");
        autos.push_back(std::move(*t));
    }
    auto all = f.service->list_tokens(owner, PageRequest{1, 100});
    CHECK(all->count == 6);
    CHECK(f.service->get_token(owner, autos[0].view.uuid).error().code == ErrorCode::not_found);
    CHECK(f.service->get_token(owner, manual).ok());
    // The evicted token no longer authenticates.
    CHECK_FALSE(f.service->current(f.basic("alice", autos[0].token), f.client).ok());
    CHECK(f.service->current(f.basic("alice", autos[5].token), f.client).ok());
}

TEST_CASE("patch renames and toggles; delete removes; others' tokens are not found",
          "[service][tokens]") {
    ServiceFixture f;
    f.add_user("alice");
    f.add_user("bob");
    const auto alice = f.session_of("alice");
    const auto bob = f.session_of("bob");
    auto t = f.make_token(alice, "repo:read");
    const std::string uuid = t.view.uuid;

    auto renamed = f.service->patch_token(alice, uuid, TokenPatch{std::string("ci"), std::nullopt});
    REQUIRE(renamed.ok());
    CHECK(renamed->token_label == "ci");
    CHECK(renamed->is_active);
    auto off = f.service->patch_token(alice, uuid, TokenPatch{std::nullopt, false});
    CHECK_FALSE(off->is_active);
    CHECK(off->token_label == "ci");
    CHECK(f.service->patch_token(alice, uuid, TokenPatch{std::string(""), std::nullopt})
              .error()
              .code == ErrorCode::bad_request);
    CHECK(f.service->patch_token(alice, uuid, TokenPatch{std::nullopt, true})->is_active);

    CHECK(f.service->get_token(bob, uuid).error().code == ErrorCode::not_found);
    CHECK(f.service->patch_token(bob, uuid, TokenPatch{std::string("x"), false}).error().code ==
          ErrorCode::not_found);
    CHECK(f.service->delete_token(bob, uuid).error().code == ErrorCode::not_found);
    CHECK(f.service->get_token(alice, uuid)->token_label == "ci");

    REQUIRE(f.service->delete_token(alice, uuid).ok());
    CHECK(f.service->get_token(alice, uuid).error().code == ErrorCode::not_found);
    CHECK(f.service->delete_token(alice, uuid).error().code == ErrorCode::not_found);
    CHECK_FALSE(f.service->current(f.basic("alice", t.token), f.client).ok());
}

TEST_CASE("a PAT session cannot manage tokens", "[service][tokens]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:admin");
    const auto p = f.pat_session_of("alice", pat.token);
    REQUIRE(p.is_pat_session);

    const auto forbidden = [](const Error& e) {
        CHECK(e.code == ErrorCode::forbidden_pat_session);
        CHECK(e.message == "access to the resource is forbidden with personal access token");
        CHECK(http_status(e.code) == 403);
    };
    const int before = f.spy->calls;
    forbidden(f.service->list_tokens(p, PageRequest{}).error());
    forbidden(f.service->create_token(p, {"x", {"repo:read"}, {}}, f.client).error());
    forbidden(f.service->desktop_generate(p, f.client).error());
    forbidden(f.service->get_token(p, pat.view.uuid).error());
    forbidden(f.service->patch_token(p, pat.view.uuid, TokenPatch{std::nullopt, false}).error());
    forbidden(f.service->delete_token(p, pat.view.uuid).error());
    CHECK(f.spy->calls == before);
    CHECK(f.service->get_token(owner, pat.view.uuid)->is_active);
}
