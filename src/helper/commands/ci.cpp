// `docker-credential-pat ci login|logout`: a CI job injects a registry
// token without writing it to disk. login validates it with the token
// service (failing fast when a required action is missing), keeps it in the
// kernel keyring with a time-out and points the docker config at the helper;
// logout removes both again.
//
// How docker then finds it: docker runs `docker-credential-pat get` for R
// (credHelpers[R] = "pat"); in CI there is no session bus, so the helper's
// `auto` store is the kernel keyring, with the same parent keyring (user or
// session, DOCKER_CREDENTIAL_PAT_KEYRING) that ci login used. When the
// configuration would pick another store, ci login warns.
#include <algorithm>
#include <ostream>

#include "common/terminal_text.hpp"
#include "credentials/native_keychain.hpp"
#include "credentials/store_config.hpp"
#include "helper/commands/ci_keyring.hpp"
#include "helper/commands/ci_oidc.hpp"
#include "helper/commands/ci_state.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/docker_config.hpp"
#include "helper/commands/parse_values.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/commands/secret_input.hpp"
#include "helper/lifecycle/helper_runtime.hpp"

namespace pat::helper {
namespace {

using namespace cmd;

constexpr std::string_view k_usage_login =
    "ci login R --username U --password-env VAR|--password-file F|--password-stdin "
    "[--require pull|push|delete]... [--ttl 2h]";

cred::Result<Secret> read_password(const po::variables_map& vm, CommandContext& ctx) {
    const int sources = static_cast<int>(vm.count("password-env") + vm.count("password-file") +
                                         vm.count("password-stdin"));
    if (sources != 1) {
        return fail(cred::Error{cred::Errc::bad_input,
                                "give exactly one of --password-env VAR, --password-file F, "
                                "--password-stdin (never the token itself in argv)"});
    }
    if (vm.count("password-env")) {
        return read_secret_env(ctx.env, vm["password-env"].as<std::string>(), "the token");
    }
    if (vm.count("password-file")) {
        return read_secret_file(vm["password-file"].as<std::string>(), "the token");
    }
    return read_secret_stream(ctx.in, "the token");
}

int ci_login(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "ci login";
    std::string server, username, ttl_text;
    std::vector<std::string> require;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&server)->required(),
                          "the registry R (also the first argument)")(
        "username", po::value<std::string>(&username)->required(), "the account")(
        "password-env", po::value<std::string>(), "read the token from environment variable VAR")(
        "password-file", po::value<std::string>(), "read the token from file F")(
        "password-stdin", "read the token from stdin")(
        "require", po::value<std::vector<std::string>>(&require)->composing(),
        "fail unless the token allows this action (pull, push, delete); repeatable")(
        "ttl", po::value<std::string>(&ttl_text)->default_value("6h"),
        "the keyring entry's time-out (s, m, h, d)")(
        "no-configure", "do not point the docker config at the helper");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(
        args, options, positional,
        {name, k_usage_login,
         "Validates a registry token, keeps it in the kernel keyring with a time-out and sets\n"
         "credHelpers[R] = \"pat\" in the docker config. With GITHUB_ACTIONS=true it prints\n"
         "::add-mask::<token> on stdout so the runner hides the token in logs."},
        ctx, rc);
    if (!parsed) {
        // `ci login --help` shows both forms: the keyless one has its own options.
        const bool help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                          std::find(args.begin(), args.end(), "-h") != args.end();
        if (rc != 0 || !help) return rc;
        ctx.out << "\nKeyless CI, with --oidc:\n";
        return ci_oidc_login({"--help"}, ctx);
    }
    const auto& vm = parsed->vm;
    const auto fmt = parsed->format;
    std::set<std::string> needed;
    for (const auto& r : require) {
        auto a = parse_required_action(r);
        if (!a) return report_error(ctx, name, a.error());
        needed.insert(*a);
    }
    auto ttl = parse_duration(ttl_text, "--ttl");
    if (!ttl) return report_error(ctx, name, ttl.error());
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    const cred::StoreConfig& store_config = settings->store;
    HelperConfig& config = settings->helper;
    std::optional<std::string> docker_config;
    if (!vm.count("no-configure")) {
        docker_config = docker_config_path(ctx.env);
        if (!docker_config) {
            return report_error(ctx, name,
                                "cannot find the docker config: set DOCKER_CONFIG or HOME");
        }
        // Refuse a broken config before anything is stored.
        if (auto current = read_docker_config(*docker_config); !current) {
            return report_error(ctx, name, current.error().message);
        }
    }
    auto secret = read_password(vm, ctx);
    if (!secret) return report_error(ctx, name, secret.error());
    if (ctx.env("GITHUB_ACTIONS").value_or("") == "true") {
        // The documented exception to "never print the secret": the runner
        // needs it to hide the token in every later log line.
        ctx.out << "::add-mask::" << secret->reveal() << '\n';
        ctx.out.flush();
    }

    auto service = make_token_service(config, ctx.clock);
    auto info = service->validate(server, username, *secret, tokenclient::k_new_secret);
    if (!info) {
        return report_error(ctx, name,
                            "cannot validate the token for " + server + ": " +
                                info.error().message + "; nothing stored");
    }
    if (tokenclient::is_revoked(info->state)) {
        return report_error(ctx, name,
                            "the token service refused the token for " + username + " at " +
                                server + " (" + std::string(tokenclient::to_string(info->state)) +
                                (info->reason.empty() ? "" : ": " + info->reason) +
                                "); nothing stored");
    }
    const auto granted = granted_actions(info->scopes, info->kind);
    if (info->kind == tokenclient::ServiceKind::none) {
        if (!needed.empty()) {
            return report_error(ctx, name,
                                "cannot check --require: no token service found for " + server +
                                    " (set DOCKER_CREDENTIAL_PAT_BACKEND); nothing stored");
        }
        ctx.err << "docker-credential-pat ci login: warning: no token service found for "
                << terminal_safe(server) << "; the token was not validated\n";
    } else {
        std::set<std::string> missing;
        for (const auto& a : needed) {
            if (!granted.count(a)) missing.insert(a);
        }
        if (!missing.empty()) {
            return report_error(ctx, name,
                                "the token for " + username + " at " + server + " does not allow " +
                                    join_actions(missing) + " (required by --require); it allows " +
                                    join_actions(granted) + "; nothing stored");
        }
    }

    info->owner = info->owner.empty() ? username : info->owner;
    const cred::Credentials item{server, username, std::move(*secret), {}};
    auto keyring = keyring_store(store_config, *ttl);
    if (auto added = store_with_token_info(*keyring, item, *info); !added) {
        return report_error(ctx, name,
                            "cannot store the token in the " + keyring_name(store_config) + ": " +
                                added.error().message);
    }
    CiEntry entry;
    if (docker_config) {
        entry.docker_config = *docker_config;
        auto written = edit_docker_config(*docker_config, [&](DockerConfig& c) {
            entry.added_helper = set_cred_helper(c, server, k_helper_name);
            return entry.added_helper;
        });
        if (!written) {
            (void)keyring->erase(server);
            return report_error(ctx, name, written.error().message + "; nothing stored");
        }
    }
    auto state = load_ci_state(ci_state_path(config));
    auto& recorded = state[server];
    recorded.docker_config = entry.docker_config;
    recorded.added_helper = recorded.added_helper || entry.added_helper;
    if (auto saved = save_ci_state(ci_state_path(config), state); !saved) {
        ctx.err << "docker-credential-pat ci login: warning: "
                << terminal_safe(saved.error().message)
                << " (ci logout will not remove the credHelpers entry)\n";
    }
    if (auto unseen = cred::expiring_store_unseen_warning(store_config, ctx.env))
        ctx.err << "docker-credential-pat ci login: warning: " << *unseen << '\n';
    if (fmt == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"server", server},
                                          {"username", username},
                                          {"store", keyring_name(store_config)},
                                          {"ttl_seconds", ttl->count()},
                                          {"service", tokenclient::to_string(info->kind)},
                                          {"actions", join_actions(granted)},
                                          {"docker_config", entry.docker_config}}
                       .dump()
                << '\n';
    } else {
        ctx.out << "Stored the token for " << terminal_safe(username) << " at "
                << terminal_safe(server) << " in the " << keyring_name(store_config) << " for "
                << ttl_text << " (allows " << join_actions(granted) << ")";
        if (docker_config)
            ctx.out << "; " << terminal_safe(*docker_config)
                    << " uses docker-credential-pat for it";
        ctx.out << '\n';
    }
    return 0;
}

int ci_logout(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "ci logout";
    std::string server;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&server),
                          "only this registry (also the first argument); default: every "
                          "registry ci login stored");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(args, options, positional,
                                {name, "ci logout [R]",
                                 "Removes the token(s) ci login stored from the kernel keyring and "
                                 "the credHelpers\nentries it added to the docker config; a token "
                                 "from ci login --oidc is also revoked\nat patd."},
                                ctx, rc);
    if (!parsed) return rc;
    const auto fmt = parsed->format;
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    const cred::StoreConfig& store_config = settings->store;
    HelperConfig& config = settings->helper;
    auto state = load_ci_state(ci_state_path(config));
    std::vector<std::string> servers;
    if (!server.empty()) {
        servers.push_back(server);
    } else {
        for (const auto& [key, e] : state) servers.push_back(key);
    }
    auto keyring = keyring_store(store_config, std::chrono::seconds(0));
    nlohmann::ordered_json done = nlohmann::ordered_json::array();
    for (const auto& s : servers) {
        const bool revoked = revoke_oidc_token(*keyring, s, ctx);
        if (auto erased = keyring->erase(s);
            !erased && erased.error().code != cred::Errc::not_found) {
            return report_error(ctx, name,
                                "cannot remove the token for " + s + ": " + erased.error().message);
        }
        const auto it = state.find(s);
        bool unconfigured = false;
        if (it != state.end() && it->second.added_helper && !it->second.docker_config.empty()) {
            auto written = edit_docker_config(it->second.docker_config, [&](DockerConfig& c) {
                return remove_cred_helper(c, s, k_helper_name);
            });
            if (!written) return report_error(ctx, name, written.error().message);
            unconfigured = *written;
        }
        if (it != state.end()) state.erase(it);
        done.push_back(
            {{"server", s}, {"docker_config_entry_removed", unconfigured}, {"revoked", revoked}});
        if (fmt == OutputFormat::table) {
            ctx.out << "Removed the token for " << terminal_safe(s)
                    << (unconfigured ? " and its credHelpers entry" : "")
                    << (revoked ? "; the token service revoked it" : "") << '\n';
        }
    }
    if (auto saved = save_ci_state(ci_state_path(config), state); !saved) {
        return report_error(ctx, name, saved.error().message);
    }
    if (fmt == OutputFormat::json) {
        ctx.out << done.dump() << '\n';
    } else if (servers.empty()) {
        ctx.out << "nothing to log out\n";
    }
    return 0;
}

}  // namespace

int run_ci(const Args& args, CommandContext& ctx) {
    if (!args.empty() && args[0] == "login") {
        const Args rest(args.begin() + 1, args.end());
        return wants_oidc_login(rest) ? ci_oidc_login(rest, ctx) : ci_login(rest, ctx);
    }
    if (!args.empty() && args[0] == "logout") {
        return ci_logout(Args(args.begin() + 1, args.end()), ctx);
    }
    const bool help = !args.empty() && (args[0] == "--help" || args[0] == "-h");
    (help ? ctx.out : ctx.err)
        << "Usage: docker-credential-pat " << k_usage_login
        << "\n       docker-credential-pat ci login R --oidc [--audience AUD] "
           "[--require pull|push|delete]..."
        << "\n       docker-credential-pat ci logout [R]\n";
    return help ? 0 : k_exit_usage;
}

}  // namespace pat::helper
