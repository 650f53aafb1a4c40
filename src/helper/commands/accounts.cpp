// `docker-credential-pat accounts list|use|remove`: several accounts per
// registry (cred::AccountStore, docs/accounts.md). Keychain only, never the
// network.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common/terminal_text.hpp"
#include "credentials/account_store.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/commands/table.hpp"

namespace pat::helper {
namespace {

using namespace cmd;

constexpr std::string_view k_overview =
    "Usage: docker-credential-pat accounts <list|use|remove> [options]\n"
    "Several accounts on one registry: `docker login` as a second user keeps the first.\n"
    "docker gets the registry's selected account: the last one stored, unless you\n"
    "pick another. `docker logout` removes the selected account only; the others\n"
    "stay, and none is selected until you pick one.\n\n"
    "  list [R]         every stored account (of registry R), and which is selected\n"
    "  use R USERNAME   make USERNAME the selected account of R\n"
    "  remove R USERNAME  forget USERNAME's account of R\n\n"
    "DOCKER_CREDENTIAL_PAT_ACCOUNT=USERNAME makes one process (a shell, a CI step) use\n"
    "that account on every registry that has it, whatever is selected.\n"
    "Run 'docker-credential-pat accounts COMMAND --help' for a command's options.\n";

int list_accounts(cred::AccountStore& store, const std::optional<std::string>& registry,
                  OutputFormat format, bool overridden, CommandContext& ctx) {
    auto all = store.accounts();
    if (!all) return report_error(ctx, "accounts list", all.error().message);
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    std::vector<TableRow> rows;
    for (const auto& [server, accounts] : *all) {
        if (registry && server != *registry) continue;
        for (const cred::Account& a : accounts) {
            json.push_back({{"registry", server},
                            {"username", a.username},
                            {"selected", a.selected},
                            {"in_use", a.in_use}});
            TableRow row{server, a.username, a.selected ? "yes" : ""};
            if (overridden) row.push_back(a.in_use ? "yes" : "");
            rows.push_back(std::move(row));
        }
    }
    if (format == OutputFormat::json) {
        ctx.out << json.dump() << '\n';
    } else if (rows.empty()) {
        ctx.out << (registry ? "no account is stored for " + terminal_safe(*registry)
                             : std::string("no account is stored"))
                << '\n';
    } else {
        TableRow header{"REGISTRY", "USERNAME", "SELECTED"};
        if (overridden) header.emplace_back("IN USE (DOCKER_CREDENTIAL_PAT_ACCOUNT)");
        ctx.out << format_table(header, rows);
    }
    return 0;
}

}  // namespace

int run_accounts(const Args& args, CommandContext& ctx) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? ctx.err : ctx.out) << k_overview;
        return args.empty() ? k_exit_usage : 0;
    }
    const std::string& sub = args[0];
    const std::string name = "accounts " + sub;
    const Args rest(args.begin() + 1, args.end());
    po::options_description options("Options");
    po::positional_options_description positional;
    std::string registry, username;
    std::string usage, summary;
    if (sub == "list") {
        usage = "accounts list [R] [options]";
        summary =
            "Lists the stored accounts of every registry (or of R) and which one is selected:\n"
            "the one docker gets. Reads the keychain only.";
        options.add_options()("registry", po::value<std::string>(&registry),
                              "only the accounts of registry R (also the first argument)");
        positional.add("registry", 1);
    } else if (sub == "use" || sub == "remove") {
        usage = "accounts " + sub + " R USERNAME [options]";
        summary = sub == "use" ? "Makes USERNAME's account the one docker gets for registry R "
                                 "(the selected\naccount). The other accounts stay stored."
                               : "Forgets USERNAME's account of registry R. When it was the "
                                 "selected one, no\naccount of R is selected until you pick one "
                                 "(accounts use) or log in again.";
        options.add_options()("registry", po::value<std::string>(&registry)->required(),
                              "the registry R, as docker names it (see accounts list)")(
            "username", po::value<std::string>(&username)->required(), "the account's username");
        positional.add("registry", 1).add("username", 1);
    } else {
        return report_error(ctx, "accounts",
                            "unknown command '" + sub + "'; expected list, use or remove",
                            k_exit_usage);
    }
    int rc = 0;
    auto parsed = parse_command(rest, options, positional, {name, usage, summary}, ctx, rc);
    if (!parsed) return rc;
    if (auto clean = refuse_unclean_text(parsed->vm, positional); !clean) {
        return report_error(ctx, name, clean.error());
    }

    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    auto store = open_account_store(settings->store, ctx.env);
    if (sub == "list") {
        return list_accounts(*store, opt_string(parsed->vm, "registry"), parsed->format,
                             settings->store.account.has_value(), ctx);
    }
    auto done =
        sub == "use" ? store->select(registry, username) : store->remove(registry, username);
    // An unknown username is a refused value, not a usage error: exit 1.
    if (!done) return report_error(ctx, name, done.error().message);
    if (parsed->format == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"registry", registry},
                                          {"username", username},
                                          {sub == "use" ? "selected" : "removed", true}}
                       .dump()
                << '\n';
    } else if (sub == "use") {
        ctx.out << "docker now uses " << terminal_safe(username) << " for "
                << terminal_safe(registry) << '\n';
    } else {
        ctx.out << "Removed " << terminal_safe(username) << "'s account of "
                << terminal_safe(registry) << '\n';
    }
    return 0;
}

}  // namespace pat::helper
