// `ci login R --oidc` and the revocation behind `ci logout` (ci_oidc.hpp).
#include "helper/commands/ci_oidc.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "common/clock.hpp"
#include "common/terminal_text.hpp"
#include "credentials/native_keychain.hpp"
#include "helper/commands/ci_id_token.hpp"
#include "helper/commands/ci_keyring.hpp"
#include "helper/commands/ci_oidc_exchange.hpp"
#include "helper/commands/ci_state.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/docker_config.hpp"
#include "helper/commands/parse_values.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/state/token_metadata.hpp"
#include "tokenclient/http_client.hpp"

namespace pat::helper::cmd {
namespace {

constexpr std::string_view k_name = "ci login";
constexpr std::string_view k_usage =
    "ci login R --oidc [--audience AUD] [--require pull|push|delete]... "
    "[--id-token-env VAR|--id-token-file F] [--account NAME] [--timeout 20s]";

struct Options {
    std::string server;
    IdTokenRequest id_token;
    std::vector<std::string> require;
    std::string account;
    std::string timeout = "20s";
    bool configure = true;
};

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left_until(Clock::time_point until) {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
}

// The keyring item's metadata: what `check` and `get` know about any PAT,
// plus generated_by "oidc" and the patd URL, which ci logout revokes at.
tokenclient::TokenInfo info_of(const ExchangedToken& t, const std::string& patd_url,
                               const pat::Clock& clock) {
    tokenclient::TokenInfo info;
    info.state = tokenclient::TokenState::active;
    info.kind = tokenclient::ServiceKind::patd;
    info.service_url = patd_url;
    info.scopes = {t.scope};
    info.uuid = t.uuid;
    info.label = t.label;
    info.owner = t.username;
    info.generated_by = "oidc";
    info.expires_at = t.expires_at;
    date_by_helper(info, clock);
    return info;
}

int login(const Options& o, OutputFormat fmt, CommandContext& ctx) {
    std::set<std::string> needed;
    for (const auto& r : o.require) {
        auto a = parse_required_action(r);
        if (!a) return report_error(ctx, k_name, a.error());
        needed.insert(*a);
    }
    auto budget = parse_duration(o.timeout, "--timeout");
    if (!budget) return report_error(ctx, k_name, budget.error());
    const auto until = Clock::now() + *budget;
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, k_name, settings.error().message);
    const cred::StoreConfig& store_config = settings->store;
    HelperConfig& config = settings->helper;
    std::optional<std::string> docker_config;
    if (o.configure) {
        docker_config = docker_config_path(ctx.env);
        if (!docker_config)
            return report_error(ctx, k_name,
                                "cannot find the docker config: set DOCKER_CONFIG or HOME");
        if (auto current = read_docker_config(*docker_config); !current)
            return report_error(ctx, k_name, current.error().message);
    }
    auto id_token = job_id_token(o.id_token, ctx.env, until);
    if (!id_token) return report_error(ctx, k_name, id_token.error());
    const bool github = ctx.env("GITHUB_ACTIONS").value_or("") == "true";
    if (github) ctx.out << "::add-mask::" << id_token->token.reveal() << '\n' << std::flush;

    config.locator.deadline = std::min(config.locator.deadline, left_until(until));
    auto patd = locate_patd(config, o.server, ctx.clock);
    if (!patd)
        return report_error(
            ctx, k_name,
            "cannot find patd for " + o.server + ": " + patd.error().message + "; nothing stored");
    const std::string base = patd->get()->base_url();
    if (!id_token_may_go_to(base))
        return report_error(ctx, k_name,
                            "patd for " + o.server + " is at " + base +
                                ", plain http to another host: the job's ID token is sent only "
                                "over https (or to a loopback patd); nothing stored");
    auto issued = exchange_id_token(base, id_token->token, o.account, left_until(until));
    if (!issued) return report_error(ctx, k_name, issued.error().message + "; nothing stored");
    const auto granted = granted_actions({issued->scope}, tokenclient::ServiceKind::patd);
    std::set<std::string> missing;
    for (const auto& a : needed)
        if (!granted.count(a)) missing.insert(a);
    if (!missing.empty()) {
        const bool revoked = revoke_exchanged_token(base, issued->token, left_until(until)).ok();
        return report_error(ctx, k_name,
                            "the trust policy grants " + issued->scope + " to " + issued->username +
                                " at " + o.server + ", which does not allow " +
                                join_actions(missing) + " (required by --require); the token " +
                                (revoked ? "was revoked" : "expires on its own") +
                                "; nothing stored");
    }
    if (github) ctx.out << "::add-mask::" << issued->token.reveal() << '\n' << std::flush;

    const auto ttl = std::max(issued->expires_in, std::chrono::seconds(1));
    const std::string username = issued->username;
    const cred::Credentials item{o.server, username, std::move(issued->token), {}};
    auto keyring = keyring_store(store_config, ttl);
    if (auto added = store_with_token_info(*keyring, item, info_of(*issued, base, ctx.clock));
        !added) {
        (void)revoke_exchanged_token(base, item.secret, left_until(until));
        return report_error(ctx, k_name,
                            "cannot store the token in the " + keyring_name(store_config) + ": " +
                                added.error().message);
    }
    CiEntry entry;
    if (docker_config) {
        entry.docker_config = *docker_config;
        auto written = edit_docker_config(*docker_config, [&](DockerConfig& c) {
            entry.added_helper = set_cred_helper(c, o.server, k_helper_name);
            return entry.added_helper;
        });
        if (!written) {
            (void)keyring->erase(o.server);
            (void)revoke_exchanged_token(base, item.secret, left_until(until));
            return report_error(ctx, k_name, written.error().message + "; nothing stored");
        }
    }
    auto state = load_ci_state(ci_state_path(config));
    auto& recorded = state[o.server];
    recorded.docker_config = entry.docker_config;
    recorded.added_helper = recorded.added_helper || entry.added_helper;
    if (auto saved = save_ci_state(ci_state_path(config), state); !saved)
        ctx.err << "docker-credential-pat ci login: warning: "
                << terminal_safe(saved.error().message)
                << " (ci logout will not remove the credHelpers entry)\n";
    if (auto unseen = cred::expiring_store_unseen_warning(store_config, ctx.env))
        ctx.err << "docker-credential-pat ci login: warning: " << *unseen << '\n';
    const std::string expires =
        issued->expires_at ? tokenclient::format_time(*issued->expires_at) : "";
    if (fmt == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"server", o.server},
                                          {"username", username},
                                          {"store", keyring_name(store_config)},
                                          {"ttl_seconds", ttl.count()},
                                          {"expires_at", expires},
                                          {"scope", issued->scope},
                                          {"actions", join_actions(granted)},
                                          {"label", issued->label},
                                          {"id_token_from", id_token->source},
                                          {"docker_config", entry.docker_config}}
                       .dump()
                << '\n';
    } else {
        ctx.out << "Stored a token for " << terminal_safe(username) << " at "
                << terminal_safe(o.server) << " in the " << keyring_name(store_config) << " for "
                << ttl.count() << "s (allows " << join_actions(granted) << "; from the ID token of "
                << terminal_safe(id_token->source) << ")";
        if (docker_config)
            ctx.out << "; " << terminal_safe(*docker_config)
                    << " uses docker-credential-pat for it";
        ctx.out << '\n';
    }
    return 0;
}

}  // namespace

bool wants_oidc_login(const Args& args) {
    return std::find(args.begin(), args.end(), "--oidc") != args.end();
}

int ci_oidc_login(const Args& args, CommandContext& ctx) {
    for (const auto& a : args) {
        if (a.rfind("--username", 0) == 0 || a.rfind("--password", 0) == 0 || a == "--ttl")
            return report_error(
                ctx, k_name,
                "--oidc takes the identity and the lifetime from the CI job and the "
                "trust policy: drop " +
                    a.substr(0, a.find('=')),
                k_exit_usage);
    }
    Options o;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&o.server)->required(),
                          "the registry R (also the first argument)")(
        "oidc", "exchange the CI job's OpenID Connect ID token for a short-lived token")(
        "audience", po::value<std::string>(&o.id_token.audience),
        "the aud to ask GitHub Actions for (default docker-credential-pat)")(
        "require", po::value<std::vector<std::string>>(&o.require)->composing(),
        "fail unless the token allows this action (pull, push, delete); repeatable")(
        "id-token-env", po::value<std::string>(),
        "read the ID token from environment variable VAR")(
        "id-token-file", po::value<std::string>(), "read the ID token from file F")(
        "account", po::value<std::string>(&o.account),
        "the account, when the job's claims match trust policies of several")(
        "timeout", po::value<std::string>(&o.timeout),
        "give up after this long (s, m; default 20s)")(
        "no-configure", "do not point the docker config at the helper");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(
        args, options, positional,
        {k_name, k_usage,
         "Exchanges the CI job's OIDC ID token at R's patd for a short-lived token scoped by a\n"
         "trust policy, keeps it in the kernel keyring until it expires and sets\n"
         "credHelpers[R] = \"pat\". The ID token comes from --id-token-env/--id-token-file,\n"
         "GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL) or $DOCKER_CREDENTIAL_PAT_ID_TOKEN."},
        ctx, rc);
    if (!parsed) return rc;
    auto& vm = parsed->vm;
    if (vm.count("id-token-env") && vm.count("id-token-file"))
        return report_error(ctx, k_name, "give at most one of --id-token-env, --id-token-file",
                            k_exit_usage);
    o.id_token.env_name = opt_string(vm, "id-token-env");
    o.id_token.file = opt_string(vm, "id-token-file");
    o.configure = !vm.count("no-configure");
    return login(o, parsed->format, ctx);
}

bool revoke_oidc_token(cred::CredentialStore& keyring, const std::string& server,
                       CommandContext& ctx) {
    auto item = keyring.get(server);
    if (!item) return false;
    const auto info = helper::from_metadata(item->metadata);
    if (info.kind != tokenclient::ServiceKind::patd || info.generated_by != "oidc" ||
        info.service_url.empty())
        return false;
    auto done = revoke_exchanged_token(info.service_url, item->secret, std::chrono::seconds(5));
    if (!done) {
        ctx.err << "docker-credential-pat ci logout: warning: cannot revoke the token for "
                << terminal_safe(server) << " early (" << terminal_safe(done.error().message)
                << "); it expires on its own"
                << (info.expires_at ? " at " + tokenclient::format_time(*info.expires_at) : "")
                << '\n';
        return false;
    }
    return true;
}

}  // namespace pat::helper::cmd
