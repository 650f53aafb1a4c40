#include <catch2/catch.hpp>
#include <chrono>

#include "helper/commands/parse_values.hpp"
#include "helper/commands/table.hpp"

using namespace pat::helper::cmd;
using pat::tokenclient::ServiceKind;
using pat::tokenclient::TimePoint;
using std::chrono::hours;
using std::chrono::seconds;

namespace {
const TimePoint k_now = std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + hours(22);
}

TEST_CASE("durations take one positive number and a unit", "[commands][parse]") {
    CHECK(parse_duration("90s", "--ttl").value() == seconds(90));
    CHECK(parse_duration("45m", "--ttl").value() == seconds(45 * 60));
    CHECK(parse_duration("2h", "--ttl").value() == hours(2));
    CHECK(parse_duration("30d", "--ttl").value() == hours(24 * 30));
    for (const char* bad : {"", "h", "2", "0h", "-1h", "2x", "2 h", "1.5h", "h2", "9999999999d"}) {
        INFO(bad);
        auto r = parse_duration(bad, "--ttl");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == pat::cred::Errc::bad_input);
        CHECK(r.error().message == "invalid --ttl value '" + std::string(bad) +
                                       "': expected a number with a unit s, m, h or d (e.g. 2h)");
    }
}

TEST_CASE("expiry accepts durations, dates and RFC 3339 times in the future", "[commands][parse]") {
    CHECK(parse_expiry("30d", k_now).value() == k_now + hours(24 * 30));
    CHECK(parse_expiry("90d", k_now).value() == k_now + hours(24 * 90));
    CHECK(parse_expiry("2027-01-15", k_now).value() ==
          std::chrono::sys_days(std::chrono::year{2027} / 1 / 15));
    CHECK(parse_expiry("2027-01-15T10:00:00Z", k_now).value() ==
          std::chrono::sys_days(std::chrono::year{2027} / 1 / 15) + hours(10));
    auto bad = parse_expiry("2027-02-30", k_now);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message ==
          "invalid --expires value '2027-02-30': expected a duration (30d, 90d) or a date "
          "YYYY-MM-DD");
    CHECK_FALSE(parse_expiry("tomorrow", k_now).ok());
    CHECK_FALSE(parse_expiry("2027-1-15", k_now).ok());
    auto past = parse_expiry("2020-01-01", k_now);
    REQUIRE_FALSE(past.ok());
    CHECK(past.error().message ==
          "invalid --expires value '2020-01-01': 2020-01-01T00:00:00Z is not in the future");
}

TEST_CASE("CLI scope names map to patd's and back", "[commands][scopes]") {
    CHECK(patd_scope_from_cli("read").value() == "repo:read");
    CHECK(patd_scope_from_cli("write").value() == "repo:write");
    CHECK(patd_scope_from_cli("delete").value() == "repo:admin");
    CHECK(patd_scope_from_cli("public-read").value() == "repo:public_read");
    auto bad = patd_scope_from_cli("admin");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message ==
          "invalid --scope value 'admin': expected read, write, delete or public-read");
    CHECK(cli_scope_from_patd("repo:admin") == "delete");
    CHECK(cli_scope_from_patd("repo:public_read") == "public-read");
    CHECK(cli_scope_from_patd("pull") == "pull");
}

TEST_CASE("scopes grant registry actions", "[commands][scopes]") {
    using S = std::set<std::string>;
    CHECK(granted_actions({"repo:public_read"}, ServiceKind::patd) == S{"pull"});
    CHECK(granted_actions({"repo:read"}, ServiceKind::patd) == S{"pull"});
    CHECK(granted_actions({"repo:write"}, ServiceKind::patd) == S{"pull", "push"});
    CHECK(granted_actions({"repo:admin"}, ServiceKind::patd) == S{"pull", "push", "delete"});
    CHECK(granted_actions({"pull", "push"}, ServiceKind::registry) == S{"pull", "push"});
    CHECK(granted_actions({"repo:write"}, ServiceKind::registry).empty());
    CHECK(granted_actions({"bogus"}, ServiceKind::patd).empty());
    CHECK(join_actions({"push", "delete", "pull"}) == "pull,push,delete");
    CHECK(join_actions({}) == "none");
    CHECK(parse_required_action("push").value() == "push");
    CHECK(parse_required_action("write").error().message ==
          "invalid --require value 'write': expected pull, push or delete");
}

TEST_CASE("tables pad columns and drop trailing blanks", "[commands][table]") {
    const std::string t = format_table({"LABEL", "SCOPES", "LAST USED"},
                                       {{"ci", "write", "never"}, {"laptop café", "read", ""}});
    CHECK(t ==
          "LABEL        SCOPES  LAST USED\n"
          "ci           write   never\n"
          "laptop café  read\n");
    CHECK(format_table({"A"}, {}) == "A\n");
    CHECK(short_time(std::nullopt) == "never");
    CHECK(short_time(k_now + seconds(61)) == "2026-11-29 22:01");
}

TEST_CASE("HTTP dates parse for the clock-skew check", "[commands][parse]") {
    CHECK(parse_http_date("Sun, 29 Nov 2026 22:00:00 GMT") == k_now);
    CHECK_FALSE(parse_http_date("Sun, 29 Nov 2026 22:00:00 CET"));
    CHECK_FALSE(parse_http_date("2026-11-29T22:00:00Z"));
    CHECK_FALSE(parse_http_date(""));
}
