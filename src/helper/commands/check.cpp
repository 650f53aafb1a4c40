// `docker-credential-pat check [R] [--refresh]`: what the helper knows about
// each stored credential (metadata written at store time, the verdict the
// flush last cached, local uses still in the spool), optionally asking the
// token service again. Exits 1 when any credential is no longer valid.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common/expiry.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/parse_values.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/commands/table.hpp"
#include "helper/lifecycle/helper_runtime.hpp"
#include "helper/lifecycle/pat_store.hpp"
#include "helper/state/token_metadata.hpp"
#include "helper/state/usage_spool.hpp"
#include "helper/state/verdict_cache.hpp"

namespace pat::helper {
namespace {

using namespace cmd;
using tokenclient::TokenInfo;
using tokenclient::TokenState;

struct Row {
    std::string key;
    std::string username;
    TokenInfo info;
    std::string note;  // why the state could not be refreshed, when asked
};

std::string scopes_text(const TokenInfo& info) {
    std::string out;
    for (const auto& s : info.scopes) {
        if (!out.empty()) out += ',';
        out += info.kind == tokenclient::ServiceKind::patd ? cli_scope_from_patd(s) : s;
    }
    return out.empty() ? "-" : out;
}

// Within the expiry-warning window (common/expiry.hpp) and still usable.
bool warn_expiry(const Row& r, tokenclient::TimePoint now) {
    return r.info.state == TokenState::active && r.info.expires_at &&
           expires_soon(*r.info.expires_at, now);
}

// The NOTE column: what the service or the refresh said, and how soon an
// active token expires (the service's note for an active token is only
// "active", which the STATE column already says).
std::string note_of(const Row& r, tokenclient::TimePoint now) {
    std::string why = r.note.empty() ? r.info.reason : r.note;
    if (!warn_expiry(r, now)) return why;
    if (why == "active") why.clear();
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(*r.info.expires_at - now);
    const auto days = (hours.count() + 12) / 24;  // to the nearest day
    const std::string when =
        hours.count() < 24 ? "expires within a day"
                           : "expires in " + std::to_string(days) + (days == 1 ? " day" : " days");
    return why.empty() ? when : why + "; " + when;
}

nlohmann::ordered_json row_json(const Row& r, tokenclient::TimePoint now) {
    auto t = [](const std::optional<tokenclient::TimePoint>& tp) -> nlohmann::ordered_json {
        if (!tp) return nullptr;
        return tokenclient::format_time(*tp);
    };
    nlohmann::ordered_json scopes = nlohmann::ordered_json::array();
    for (const auto& s : r.info.scopes) scopes.push_back(s);
    return {{"server", r.key},
            {"username", r.username},
            {"state", tokenclient::to_string(r.info.state)},
            {"service", tokenclient::to_string(r.info.kind)},
            {"scopes", scopes},
            {"actions", join_actions(granted_actions(r.info.scopes, r.info.kind))},
            {"label", r.info.label},
            {"uuid", r.info.uuid},
            {"expires_at", t(r.info.expires_at)},
            {"expires_soon", warn_expiry(r, now)},
            {"last_used", t(r.info.last_used)},
            {"checked_at", t(r.info.checked_at)},
            {"reason", r.note.empty() ? r.info.reason : r.note}};
}

}  // namespace

int run_check(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "check";
    std::string only;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&only),
                          "check only this server key (also the first argument)")(
        "refresh",
        "ask the token service now (else: what was learnt at store time and by "
        "the last background refresh)");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(
        args, options, positional,
        {name, "check [R] [--refresh]",
         "Shows each stored credential's state, scopes, expiry and last use.\nExits 1 when any of "
         "them is inactive, expired, deleted or invalid."},
        ctx, rc);
    if (!parsed) return rc;
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    HelperConfig& config = settings->helper;
    auto store = open_native_store(settings->store, ctx.env);

    std::vector<std::string> keys;
    if (!only.empty()) {
        keys.push_back(only);
    } else {
        auto listed = store->list();
        if (!listed) return report_error(ctx, name, listed.error().message);
        for (const auto& [key, user] : *listed) {
            if (!is_internal_key(key)) keys.push_back(key);
        }
    }
    // State that someone else could have planted (a directory they can
    // write) is not read: the rows then show what was stored.
    bool use_state = !config.paths.state_dir.empty();
    if (auto dir = ensure_private_dir(config.paths.state_dir);
        use_state && !dir && dir.error().code == cred::Errc::unsafe_file) {
        say_warning(ctx.err, dir.error().message + "; not using it");
        use_state = false;
    }
    const VerdictCache verdicts(use_state ? config.paths.verdicts() : "");
    const UsageSpool spool(use_state ? config.paths.spool() : "");
    using Pending = std::map<std::string, UsageRecord>;
    const auto pending = use_state ? spool.pending() : cred::Result<Pending>(Pending{});
    std::unique_ptr<tokenclient::TokenService> service;
    if (parsed->vm.count("refresh")) {
        service = make_token_service(config, ctx.clock);
    }
    const auto now = ctx.clock.now();
    std::vector<Row> rows;
    for (const auto& key : keys) {
        auto item = store->get(key);
        if (!item) {
            if (item.error().code == cred::Errc::not_found) {
                return report_error(ctx, name, "no credential stored for " + key);
            }
            return report_error(ctx, name, item.error().message);
        }
        Row row{key, item->username, helper::from_metadata(item->metadata), {}};
        if (auto v = verdicts.lookup(key, row.info.generation)) {
            const auto last_used = row.info.last_used;
            row.info = *v;
            if (!row.info.last_used) row.info.last_used = last_used;
        }
        if (service) {
            // At the service recorded with the item, never another one.
            const std::string recorded = helper::from_metadata(item->metadata).service_url;
            auto fresh = service->validate(key, item->username, item->secret, recorded);
            if (fresh) {
                fresh->generation = row.info.generation;
                row.info = *fresh;
                if (use_state && !row.info.generation.empty())
                    (void)VerdictCache(config.paths.verdicts()).put(key, row.info);
            } else {
                row.note = "not refreshed: " + fresh.error().message;
            }
        }
        if (pending) {
            if (auto p = pending->find(key); p != pending->end()) {
                if (!row.info.last_used || *row.info.last_used < p->second.last_used) {
                    row.info.last_used = p->second.last_used;
                }
            }
        }
        if (tokenclient::is_past_expiry(row.info, now)) row.info.state = TokenState::expired;
        rows.push_back(std::move(row));
    }

    bool any_invalid = false;
    for (const auto& r : rows) any_invalid = any_invalid || tokenclient::is_revoked(r.info.state);
    if (parsed->format == OutputFormat::json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& r : rows) list.push_back(row_json(r, now));
        ctx.out << list.dump() << '\n';
    } else if (rows.empty()) {
        ctx.out << "no credentials stored\n";
    } else {
        std::vector<TableRow> table;
        for (const auto& r : rows) {
            const std::string why = note_of(r, now);
            table.push_back({r.key, r.username, std::string(tokenclient::to_string(r.info.state)),
                             scopes_text(r.info), short_time(r.info.expires_at, "never"),
                             short_time(r.info.last_used, "never"),
                             short_time(r.info.checked_at, "never"), why});
        }
        ctx.out << format_table(
            {"REGISTRY", "USER", "STATE", "SCOPES", "EXPIRES", "LAST USED", "CHECKED", "NOTE"},
            table);
    }
    return any_invalid ? k_exit_failure : 0;
}

}  // namespace pat::helper
