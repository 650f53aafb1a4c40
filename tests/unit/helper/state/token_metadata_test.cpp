// TokenInfo <-> the metadata map every store keeps next to the secret.
#include "helper/state/token_metadata.hpp"

#include <catch2/catch.hpp>

using namespace pat::tokenclient;
using pat::helper::from_metadata;
using pat::helper::to_metadata;
using namespace std::chrono_literals;

TEST_CASE("TokenInfo survives a round trip through metadata", "[tokenclient]") {
    TokenInfo info;
    info.state = TokenState::inactive;
    info.kind = ServiceKind::patd;
    info.service_url = "http://127.0.0.1:5001";
    info.scopes = {"repo:read", "repo:write"};
    info.uuid = "0b5c6a4e-1111-2222-3333-444455556666";
    info.label = "laptop token";
    info.owner = "alice";
    info.generated_by = "auto";
    info.expires_at = TimePoint(1'800'000'000s);
    info.last_used = TimePoint(1'700'000'123s);
    info.checked_at = TimePoint(1'700'000'456s);
    info.reason = "token is deactivated";
    info.generation = "g123";

    const auto m = to_metadata(info);
    CHECK(m.at("pat_state") == "inactive");
    CHECK(m.at("pat_scopes") == "repo:read repo:write");
    CHECK(m.at("pat_expires_at") == "2027-01-15T08:00:00Z");
    const TokenInfo back = from_metadata(m);
    CHECK(back.state == info.state);
    CHECK(back.kind == info.kind);
    CHECK(back.service_url == info.service_url);
    CHECK(back.scopes == info.scopes);
    CHECK(back.uuid == info.uuid);
    CHECK(back.label == info.label);
    CHECK(back.owner == info.owner);
    CHECK(back.generated_by == info.generated_by);
    CHECK(back.expires_at == info.expires_at);
    CHECK(back.last_used == info.last_used);
    CHECK(back.checked_at == info.checked_at);
    CHECK(back.reason == info.reason);
    CHECK(back.generation == info.generation);
}

TEST_CASE("Empty fields stay out of metadata and bad values read as absent", "[tokenclient]") {
    const auto m = to_metadata(TokenInfo{});
    CHECK(m.size() == 1);
    CHECK(m.at("pat_state") == "unknown");

    const TokenInfo odd = from_metadata({{"pat_state", "bogus"},
                                         {"pat_kind", "ftp"},
                                         {"pat_expires_at", "tomorrow"},
                                         {"pat_scopes", "  a  b "}});
    CHECK(odd.state == TokenState::unknown);
    CHECK(odd.kind == ServiceKind::none);
    CHECK_FALSE(odd.expires_at.has_value());
    CHECK(odd.scopes == std::vector<std::string>{"a", "b"});
}
