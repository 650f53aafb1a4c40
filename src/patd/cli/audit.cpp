// `patd audit`: the operator reads the audit log of every account (or one),
// straight from the database like `patd user` (docs/patd-api.md, "Audit log").
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/log.hpp"
#include "patd/cli/commands.hpp"

namespace pat::patd::cli {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

constexpr const char* k_audit_usage =
    "usage: patd audit [--account NAME] [--token UUID] [--since TIME] [--until TIME] [--json]\n";
constexpr long long k_page_size = 1000;

struct AuditArgs {
    std::string account;
    std::string token;
    std::string since;
    std::string until;
    bool as_json = false;
};

po::options_description audit_options(AuditArgs& a) {
    po::options_description own("Options of patd audit");
    own.add_options()("account", po::value(&a.account), "only this account's events")(
        "token", po::value(&a.token), "only the events of this token (uuid)")(
        "since", po::value(&a.since), "events at or after this RFC 3339 time")(
        "until", po::value(&a.until), "events before this RFC 3339 time")(
        "json", po::bool_switch(&a.as_json), "one JSON object per line instead of columns");
    return own;
}

int usage(const std::string& message) {
    say(message);
    std::cerr << k_audit_usage;
    return 2;
}

json event_json(const AuditEventRecord& e) {
    auto detail = json::parse(e.detail, nullptr, false);
    return {{"id", e.id},
            {"timestamp", format_rfc3339(e.at)},
            {"action", e.kind},
            {"account", e.username.empty() ? json(nullptr) : json(e.username)},
            {"actor", e.actor},
            {"token_uuid", e.token_uuid.empty() ? json(nullptr) : json(e.token_uuid)},
            {"ip_address", e.client_ip},
            {"user_agent", e.user_agent},
            {"data", detail.is_object() ? detail : json::object()}};
}

// Columns: time, action, account, actor, token, address, User-Agent, detail.
// "-" for an empty column, so every line has eight tab-separated fields.
void print_line(const AuditEventRecord& e, std::ostream& out) {
    const auto col = [](const std::string& v) { return v.empty() ? std::string("-") : v; };
    out << format_rfc3339(e.at) << '\t' << e.kind << '\t' << col(e.username) << '\t' << e.actor
        << '\t' << col(e.token_uuid) << '\t' << col(e.client_ip) << '\t' << col(e.user_agent)
        << '\t' << e.detail << '\n';
}

}  // namespace

std::string audit_options_help() {
    AuditArgs unused;
    std::ostringstream text;
    text << audit_options(unused);
    return text.str();
}

int cmd_audit(const std::vector<std::string>& args, std::ostream& out) {
    config::Config config;
    AuditArgs a;
    auto options = config::common_options(config);
    const auto own = audit_options(a);
    options.add(own);
    std::vector<std::string> words;
    if (auto parsed = config::parse(args, options, config, words, /*file_may_have_more=*/true);
        !parsed)
        return usage(parsed.error());
    if (!words.empty()) return usage("unexpected argument '" + words[0] + "'");
    if (!log::set_level_from_string(config.log_level))
        return usage("unknown --log-level '" + config.log_level + "'");
    if (auto ok = config::finalize(config); !ok) return usage(ok.error());
    AuditQuery query;
    query.page.page_size = k_page_size;
    if (!a.token.empty()) query.token_uuid = a.token;
    if (!a.since.empty() && !(query.since = parse_rfc3339(a.since)))
        return usage("--since wants an RFC 3339 time (e.g. 2026-01-31T12:00:00Z), got '" + a.since +
                     "'");
    if (!a.until.empty() && !(query.until = parse_rfc3339(a.until)))
        return usage("--until wants an RFC 3339 time (e.g. 2026-01-31T12:00:00Z), got '" + a.until +
                     "'");
    auto service = open_service(config);
    if (!service) {
        say(service.error());
        return 1;
    }
    // Newest first, page after page; the upper bound is fixed first so that
    // events written meanwhile do not shift the pages.
    if (!query.until)
        query.until = std::chrono::time_point_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now()) +
                      std::chrono::microseconds(1);
    const std::optional<std::string_view> account =
        a.account.empty() ? std::nullopt : std::optional<std::string_view>(a.account);
    for (;;) {
        auto page = (*service)->list_audit_events_admin(account, query);
        if (!page) {
            std::string line = page.error().message;
            for (const auto& [field, problem] : page.error().fields)
                line.append("; ").append(field).append(" ").append(problem);
            say(line);
            return 1;
        }
        for (const auto& e : page->results) {
            if (a.as_json)
                out << event_json(e).dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
            else
                print_line(e, out);
        }
        if (!page->has_next) break;
        ++query.page.page;
    }
    out.flush();
    return out ? 0 : 1;
}

}  // namespace pat::patd::cli
