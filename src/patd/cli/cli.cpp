#include "patd/cli/cli.hpp"

#include <algorithm>
#include <iostream>

#include "common/log.hpp"
#include "common/version.hpp"
#include "patd/cli/commands.hpp"

namespace pat::patd::cli {
namespace {

constexpr const char* k_usage =
    "usage: patd serve [--listen 127.0.0.1:5001] [--data-dir DIR] [--database URL]\n"
    "                  [--service NAME] [--issuer NAME] [--public-url URL]\n"
    "                  [--signing-key PEM --signing-cert PEM] [--token-ttl 300]\n"
    "                  [--last-used-interval 60] [--public-namespace NAME]...\n"
    "                  [--auth-fail-limit 10] [--auth-ban-seconds 300] [--threads 4]\n"
    "                  [--oidc-admin NAME]... [--oidc-fetch-timeout 4] [--oidc-key-refresh 30]\n"
    "                  [--oidc-sweep-interval 60]\n"
    "       patd user add NAME [--password-stdin]   create an account\n"
    "       patd user 2fa NAME enable|disable       enable prints an otpauth:// URI\n"
    "       patd user list\n"
    "       patd oidc add-issuer URL [--audience AUD] | list-issuers | remove-issuer URL|ID\n"
    "       patd oidc policy add --account NAME --issuer URL --claim NAME=VALUE... --scope S\n"
    "                            [--ttl 15m] | policy list [--account NAME] | policy remove ID\n"
    "       patd cert                               print the signing certificate (PEM)\n"
    "       patd --version | --help\n"
    "Every command also takes --config FILE, --data-dir DIR, --database URL, --log-level LEVEL.\n"
    "A config file holds `key = value` lines with the flag names as keys (e.g. listen = \n"
    "127.0.0.1:5001, public-namespace = library); flags given on the command line win.\n";

void usage_error(const std::string& message) {
    std::cerr << "patd: " << message << "\n" << k_usage;
}

}  // namespace

void say(const std::string& text) {
    std::cerr << "patd: " << text << std::endl;
}

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
    log::set_program("patd");
    log::set_level(log::Level::info);
    if (args.empty()) {
        usage_error("missing command");
        return 2;
    }
    const std::string& command = args[0];
    if (command == "--version" || command == "version") {
        out << "patd " << k_version << "\n";
        return 0;
    }
    const bool wants_help = std::any_of(
        args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
    if (wants_help || command == "help") {
        config::Config defaults;
        out << k_usage << "\n"
            << config::common_options(defaults) << "\n"
            << config::serve_options(defaults);
        return 0;
    }
    if (command == "oidc") return cmd_oidc({args.begin() + 1, args.end()}, out);
    if (command != "serve" && command != "user" && command != "cert") {
        usage_error("unknown command '" + command + "'");
        return 2;
    }

    config::Config config;
    bool password_stdin = false;
    auto options = config::common_options(config);
    options.add(config::serve_options(config));
    options.add_options()("password-stdin", boost::program_options::bool_switch(&password_stdin),
                          "patd user add: read the password from stdin");
    std::vector<std::string> words;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (auto parsed = config::parse(rest, options, config, words); !parsed) {
        usage_error(parsed.error());
        return 2;
    }
    if (!log::set_level_from_string(config.log_level)) {
        usage_error("unknown --log-level '" + config.log_level + "'");
        return 2;
    }
    if (auto ok = config::finalize(config); !ok) {
        usage_error(ok.error());
        return 2;
    }
    if (command == "serve" || command == "cert") {
        if (!words.empty()) {
            usage_error("unexpected argument '" + words[0] + "'");
            return 2;
        }
        return command == "serve" ? cmd_serve(config) : cmd_cert(config, out);
    }
    return cmd_user(config, words, password_stdin, in, out);
}

}  // namespace pat::patd::cli
