// `docker-credential-pat tokens list|create|rename|activate|deactivate|delete`:
// the Docker Hub token page from the terminal, against patd's API.
#include <ostream>

#include "common/terminal_text.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/parse_values.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/commands/session.hpp"
#include "helper/commands/token_views.hpp"

namespace pat::helper {
namespace {

using namespace cmd;
using tokenclient::CreatedToken;
using tokenclient::TokenInfo;
using TokenList = std::vector<TokenInfo>;

constexpr std::string_view k_overview =
    "Usage: docker-credential-pat tokens <list|create|rename|activate|deactivate|delete> "
    "[options]\n"
    "Manages your personal access tokens on the token service (patd), like Docker Hub's\n"
    "token page. Sign-in needs the account password (from a prompt or --password-stdin)\n"
    "and, with 2FA, a code (prompt or --otp); a token cannot sign in for this. The\n"
    "session is kept in the keychain until it expires.\n"
    "  list                            label, scopes, status, source, created, last used\n"
    "  create --label L --scope S      S: read|write|delete|public-read; prints the token\n"
    "         [--expires 30d|90d|DATE] once, or with --store R puts it in the keychain\n"
    "  rename TOKEN NEW-LABEL          TOKEN: a uuid or a unique label\n"
    "  activate TOKEN | deactivate TOKEN | delete TOKEN\n"
    "Run `docker-credential-pat tokens <command> --help` for the options.\n";

struct Common {
    std::string registry;
    std::string username;
    std::string otp;
};

void add_sign_in_options(po::options_description& options, Common& c) {
    options.add_options()("registry", po::value<std::string>(&c.registry),
                          "the registry whose token service to use (default: "
                          "DOCKER_CREDENTIAL_PAT_BACKEND)")(
        "username", po::value<std::string>(&c.username),
        "the account (default: the cached session's, or the one stored for --registry)")(
        "password-stdin", "read the account password from stdin (else a prompt on the terminal)")(
        "otp", po::value<std::string>(&c.otp),
        "the 2FA code (TOTP). A one-time code in argv is acceptable because it expires in "
        "seconds; the password never is, so there is no --password")(
        "no-session-cache", "neither read nor keep a session in the keychain");
}

// Everything a sub-command needs once its options are valid.
struct Context {
    CommandContext& io;
    std::string name;  // "tokens list" …
    OutputFormat format;
    HelperConfig config;
    std::unique_ptr<cred::CredentialStore> store;
    std::unique_ptr<tokenclient::PatdClient> client;
    std::unique_ptr<AdminSession> session;
};

cred::Result<TokenList> all_tokens(Context& c) {
    return c.session->run<TokenList>([&](const Secret& s) -> cred::Result<TokenList> {
        TokenList out;
        for (int page = 1; page <= 100; ++page) {
            auto p = c.client->list(s, page, 100);
            if (!p) return fail(std::move(p).error());
            for (auto& t : p->results) out.push_back(std::move(t));
            if (!p->has_next) break;
        }
        return out;
    });
}

int print_token(Context& c, const TokenInfo& info, std::string_view verb) {
    if (c.format == OutputFormat::json) {
        c.io.out << token_json(info).dump() << '\n';
    } else {
        c.io.out << verb << " token '" << terminal_safe(info.label) << "' ("
                 << terminal_safe(info.uuid) << "): " << tokenclient::to_string(info.state) << '\n';
    }
    return 0;
}

int do_list(Context& c) {
    auto tokens = all_tokens(c);
    if (!tokens) return report_error(c.io, c.name, tokens.error());
    if (c.format == OutputFormat::json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        std::size_t active = 0;
        for (const auto& t : *tokens) {
            list.push_back(token_json(t));
            active += t.state == tokenclient::TokenState::active ? 1 : 0;
        }
        c.io.out << nlohmann::ordered_json{{"active", active},
                                           {"inactive", tokens->size() - active},
                                           {"tokens", list}}
                        .dump()
                 << '\n';
        return 0;
    }
    std::vector<TableRow> rows;
    for (const auto& t : *tokens) rows.push_back(token_table_row(t));
    c.io.out << format_table(token_table_header(), rows) << token_counts(*tokens) << '\n';
    return 0;
}

int do_create(Context& c, const std::string& label, const std::string& scope,
              std::optional<tokenclient::TimePoint> expires, const std::string& store_for) {
    auto created = c.session->run<CreatedToken>(
        [&](const Secret& s) { return c.client->create(s, label, {scope}, expires); });
    if (!created) return report_error(c.io, c.name, created.error());
    TokenInfo& info = created->info;
    if (!store_for.empty()) {
        if (auto added =
                store_patd_token(*c.store, store_for, c.session->username(),
                                 std::move(created->token), info, c.client->base_url(), c.io.clock);
            !added) {
            return report_error(
                c.io, c.name,
                "token '" + label + "' (" + info.uuid +
                    ") was created but could not be stored: " + added.error().message +
                    "; delete it with `docker-credential-pat tokens delete " + info.uuid + "`");
        }
    }
    if (c.format == OutputFormat::json) {
        auto j = token_json(info);
        if (store_for.empty()) {
            j["token"] = std::string(created->token.reveal());
        } else {
            j["stored_for"] = store_for;
        }
        c.io.out << j.dump() << '\n';
    } else if (store_for.empty()) {
        c.io.out << created->token.reveal() << '\n';
        c.io.err << "Created token '" << terminal_safe(label) << "' (" << terminal_safe(info.uuid)
                 << "). Copy it now: it is not shown again.\n";
    } else {
        c.io.out << "Created token '" << terminal_safe(label) << "' (" << terminal_safe(info.uuid)
                 << ") and stored it for " << terminal_safe(store_for) << " as "
                 << terminal_safe(c.session->username()) << '\n';
    }
    return 0;
}

int do_update(Context& c, const std::string& sub, const std::string& ref,
              const std::string& new_label) {
    auto tokens = all_tokens(c);
    if (!tokens) return report_error(c.io, c.name, tokens.error());
    auto token = find_token(*tokens, ref);
    if (!token) return report_error(c.io, c.name, token.error().message);
    const std::string uuid = token->uuid;
    if (sub == "delete") {
        auto removed = c.session->run<bool>([&](const Secret& s) -> cred::Result<bool> {
            auto r = c.client->remove(s, uuid);
            if (!r) return fail(std::move(r).error());
            return true;
        });
        if (!removed) return report_error(c.io, c.name, removed.error());
        if (c.format == OutputFormat::json) {
            c.io.out << nlohmann::ordered_json{{"deleted", uuid}, {"label", token->label}}.dump()
                     << '\n';
        } else {
            c.io.out << "Deleted token '" << terminal_safe(token->label) << "' ("
                     << terminal_safe(uuid) << ")\n";
        }
        return 0;
    }
    std::optional<std::string> label;
    std::optional<bool> active;
    if (sub == "rename") label = new_label;
    if (sub == "activate") active = true;
    if (sub == "deactivate") active = false;
    auto patched = c.session->run<TokenInfo>(
        [&](const Secret& s) { return c.client->patch(s, uuid, label, active); });
    if (!patched) return report_error(c.io, c.name, patched.error());
    const char* verb = sub == "rename"     ? "Renamed"
                       : sub == "activate" ? "Activated"
                                           : "Deactivated";
    return print_token(c, *patched, verb);
}

}  // namespace

int run_tokens(const Args& args, CommandContext& ctx) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? ctx.err : ctx.out) << k_overview;
        return args.empty() ? k_exit_usage : 0;
    }
    const std::string& sub = args[0];
    const std::string name = "tokens " + sub;
    const Args rest(args.begin() + 1, args.end());
    Common common;
    po::options_description options("Options");
    po::positional_options_description positional;
    std::string label, scope, expires, store_for, ref, new_label;
    std::string usage;
    if (sub == "list") {
        usage = "tokens list [options]";
    } else if (sub == "create") {
        usage = "tokens create --label L --scope read|write|delete|public-read [options]";
        options.add_options()("label", po::value<std::string>(&label)->required(),
                              "the token's label (1-100 characters)")(
            "scope", po::value<std::string>(&scope)->required(),
            "read, write, delete or public-read")(
            "expires", po::value<std::string>(&expires),
            "30d, 90d, YYYY-MM-DD (midnight UTC) or an RFC 3339 time; at most a year; "
            "default: never")("store", po::value<std::string>(&store_for),
                              "store the token in the keychain for registry R instead of "
                              "printing it");
    } else if (sub == "rename") {
        usage = "tokens rename TOKEN NEW-LABEL [options]";
        options.add_options()("token", po::value<std::string>(&ref)->required(),
                              "uuid or unique label")(
            "new-label", po::value<std::string>(&new_label)->required(), "the new label");
        positional.add("token", 1).add("new-label", 1);
    } else if (sub == "activate" || sub == "deactivate" || sub == "delete") {
        usage = "tokens " + sub + " TOKEN [options]";
        options.add_options()("token", po::value<std::string>(&ref)->required(),
                              "uuid or unique label");
        positional.add("token", 1);
    } else {
        return report_error(ctx, "tokens",
                            "unknown command '" + sub +
                                "'; expected list, create, rename, activate, deactivate or delete",
                            k_exit_usage);
    }
    add_sign_in_options(options, common);
    int rc = 0;
    auto parsed =
        parse_command(rest, options, positional,
                      {name, usage, "Manages tokens on patd (see `tokens --help`)."}, ctx, rc);
    if (!parsed) return rc;
    const auto& vm = parsed->vm;

    // Validate every value before signing in: bad input never prompts,
    // never reaches the service, never touches the keychain.
    std::string patd_scope;
    std::optional<tokenclient::TimePoint> expires_at;
    if (sub == "create") {
        if (label.empty() || label.size() > 100) {
            return report_error(ctx, name, "invalid --label: 1 to 100 characters", k_exit_usage);
        }
        auto s = patd_scope_from_cli(scope);
        if (!s) return report_error(ctx, name, s.error());
        patd_scope = *s;
        if (vm.count("expires")) {
            auto e = parse_expiry(expires, ctx.clock.now());
            if (!e) return report_error(ctx, name, e.error());
            expires_at = *e;
        }
    }
    if (vm.count("otp") && (common.otp.size() < 6 || common.otp.size() > 8 ||
                            common.otp.find_first_not_of("0123456789") != std::string::npos)) {
        return report_error(
            ctx, name, "invalid --otp value: expected the 6-digit code of your authenticator app",
            k_exit_usage);
    }
    if (sub == "rename" && (new_label.empty() || new_label.size() > 100)) {
        return report_error(ctx, name, "invalid NEW-LABEL: 1 to 100 characters", k_exit_usage);
    }

    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    HelperConfig& config = settings->helper;
    auto store = open_native_store(settings->store, ctx.env);
    std::string key = common.registry.empty() ? store_for : common.registry;
    if (key.empty()) key = config.locator.backend_url.value_or("");
    if (key.empty()) {
        // No hint given: the one patd this keychain has a session with.
        const auto known = cached_session_services(*store);
        if (known.size() != 1) {
            std::string message =
                "which token service? give --registry R or set "
                "DOCKER_CREDENTIAL_PAT_BACKEND";
            if (!known.empty()) {
                message += "; sessions are cached for";
                for (const auto& url : known) message += " " + url;
            }
            return report_error(ctx, name, message, k_exit_usage);
        }
        key = *known.begin();
        config.locator.backend_url = key;
    }
    auto client = locate_patd(config, key, ctx.clock);
    if (!client) return report_error(ctx, name, client.error().message);

    SignInOptions sign_in;
    if (!common.username.empty()) sign_in.username = common.username;
    sign_in.registry = common.registry.empty() ? store_for : common.registry;
    sign_in.password_stdin = vm.count("password-stdin") > 0;
    if (vm.count("otp")) sign_in.otp = common.otp;
    sign_in.use_cache = vm.count("no-session-cache") == 0;
    Context c{ctx, name, parsed->format, std::move(config), std::move(store), std::move(*client),
              {}};
    c.session = std::make_unique<AdminSession>(*c.client, c.store.get(), sign_in, ctx);

    if (sub == "list") return do_list(c);
    if (sub == "create") return do_create(c, label, patd_scope, expires_at, store_for);
    return do_update(c, sub, ref, new_label);
}

}  // namespace pat::helper
