// POST /v2/credentials/revoke's service side (docs/patd-core.md "Leaked-token
// reports"): a reported live token is deactivated and audited, a bad
// checksum costs no database call, each report counts against the source.
#include <catch2/catch.hpp>

#include "service_fixture.hpp"

using namespace patd_test;

namespace {
std::vector<pat::Secret> reported(std::initializer_list<std::string_view> texts) {
    std::vector<pat::Secret> out;
    for (auto t : texts) out.push_back(pat::Secret::copy_of(std::string(t)));
    return out;
}
}  // namespace

TEST_CASE("a reported token is deactivated and audited, its siblings are not", "[service][leak]") {
    ServiceFixture f;
    auto [owner, leaked] = f.alice_with("repo:write");
    CreatedToken kept = f.make_token(owner, "repo:read");
    const ClientInfo reporter{"192.0.2.7", "scanner/1.0", ""};

    REQUIRE(f.service->revoke_leaked(reported({leaked.token.reveal()}), reporter).ok());
    auto r = f.service->current(f.basic("alice", leaked.token), f.client);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "token is deactivated");
    CHECK(f.service->current(f.basic("alice", kept.token), f.client).ok());
    CHECK(f.service->stats().leak_reports_checked == 1);

    auto events = f.service->list_audit_events(owner, AuditQuery{});
    REQUIRE(events.ok());
    REQUIRE_FALSE(events->results.empty());
    const auto& e = events->results.front();
    CHECK(e.kind == "token.deactivated");
    CHECK(e.actor == "leak-report");
    CHECK(e.token_uuid == leaked.view.uuid);
    CHECK(e.client_ip == "192.0.2.7");

    // Reporting it again (and an unknown well-formed string) is the same ok.
    const auto count = events->count;
    REQUIRE(f.service->revoke_leaked(reported({leaked.token.reveal()}), reporter).ok());
    CHECK(f.service->list_audit_events(owner, AuditQuery{})->count == count);
}

TEST_CASE("a reported string with a bad checksum makes no database call", "[service][leak]") {
    ServiceFixture f;
    auto [owner, pat] = f.alice_with("repo:write");
    std::string typo(pat.token.reveal());
    typo[15] = typo[15] == 'x' ? 'y' : 'x';  // breaks the CRC32 checksum

    const int before = f.spy->calls;
    REQUIRE(f.service->revoke_leaked(reported({typo, "dckr_pat_short", "", "password1"}), f.client)
                .ok());
    CHECK(f.spy->calls == before);
    CHECK(f.service->stats().leak_reports_malformed == 4);
    CHECK(f.service->stats().leak_reports_checked == 0);
    CHECK(f.service->current(f.basic("alice", pat.token), f.client).ok());
}

TEST_CASE("reports are rate limited per source", "[service][leak]") {
    ServiceFixture f;
    const ClientInfo flood{"198.51.100.9", "flood/1.0", ""};
    bool limited = false;
    int accepted = 0;
    for (int i = 0; i < 500 && !limited; ++i) {
        auto r = f.service->revoke_leaked(reported({"dckr_pat_x"}), flood);
        if (r.ok()) {
            ++accepted;
        } else {
            CHECK(r.error().code == ErrorCode::rate_limited);
            limited = true;
        }
    }
    CHECK(limited);
    CHECK(accepted > 0);
    // Another source is not affected.
    CHECK(f.service->revoke_leaked(reported({"dckr_pat_x"}), f.client).ok());
}
