#include "patd/cli/cli.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <string_view>

#include "common/log.hpp"
#include "common/version.hpp"
#include "patd/cli/commands.hpp"

namespace pat::patd::cli {
namespace {

// One entry per command: its usage lines (continuation lines indented to
// follow "usage: ") and whether it takes serve's options. `patd --help` and
// usage errors print every entry; `patd COMMAND --help` only its own (the man
// pages are made from these, packaging/man/).
struct CommandHelp {
    std::string_view command;
    std::string_view usage;
    bool serve_options;
};
constexpr std::array k_help{
    CommandHelp{"serve",
                "patd serve [--listen 127.0.0.1:5001] [--data-dir DIR] [--database URL]\n"
                "                  [--service NAME] [--issuer NAME] [--public-url URL]\n"
                "                  [--signing-key PEM --signing-cert PEM] [--token-ttl 300]\n"
                "                  [--last-used-interval 60] [--audit-retention 90]\n"
                "                  [--public-namespace NAME]...\n"
                "                  [--auth-fail-limit 10] [--auth-max-delay 300]\n"
                "                  [--password-logins-per-minute 30] [--trusted-proxy CIDR]...\n"
                "                  [--max-connections N] [--max-connections-per-address N] "
                "[--threads 4]\n"
                "                  [--oidc-admin NAME]... [--oidc-fetch-timeout 4] "
                "[--oidc-key-refresh 30]\n"
                "                  [--oidc-sweep-interval 60]\n",
                true},
    CommandHelp{"user",
                "patd user add NAME [--password-stdin]   create an account\n"
                "       patd user 2fa NAME enable|disable       enable prints an otpauth:// URI\n"
                "       patd user list\n",
                false},
    CommandHelp{"oidc",
                "patd oidc add-issuer URL [--audience AUD]\n"
                "       patd oidc list-issuers\n"
                "       patd oidc remove-issuer URL|ID\n"
                "       patd oidc policy add --account NAME --issuer URL --claim NAME=VALUE... "
                "--scope S [--ttl 15m]\n"
                "       patd oidc policy list [--account NAME]\n"
                "       patd oidc policy remove ID\n",
                false},
    CommandHelp{"audit",
                "patd audit [--account NAME] [--token UUID] [--since TIME] [--until TIME] "
                "[--json]\n",
                false},
    CommandHelp{"backup",
                "patd backup FILE                        copy the SQLite database while patd "
                "serves\n",
                false},
    CommandHelp{"restore",
                "patd restore FILE [--force]             replace the SQLite database by a "
                "backup\n",
                false},
    CommandHelp{"migrate",
                "patd migrate --to postgresql://...      copy the SQLite database into an "
                "empty PostgreSQL one\n",
                false},
    CommandHelp{"cert",
                "patd cert                               print the signing certificate (PEM)\n",
                false},
};
constexpr const char* k_usage_tail =
    "Every command also takes --config FILE, --data-dir DIR, --database URL, --log-level LEVEL.\n"
    "A config file holds `key = value` lines with the flag names as keys (e.g. listen = \n"
    "127.0.0.1:5001, public-namespace = library); flags given on the command line win.\n";

// "usage: " in error messages, "Usage: " in --help (where help2man looks for it).
std::string usage_text(std::string_view first = "usage: ") {
    std::string text;
    for (const auto& h : k_help) text.append(text.empty() ? first : "       ").append(h.usage);
    return text + "       patd --version | --help\n" + k_usage_tail;
}

boost::program_options::options_description user_options(bool& password_stdin) {
    boost::program_options::options_description d("Options of patd user");
    d.add_options()("password-stdin", boost::program_options::bool_switch(&password_stdin),
                    "user add: read the password from stdin");
    return d;
}

void print_help(const std::string& command, std::ostream& out) {
    config::Config defaults;
    const auto own = std::find_if(k_help.begin(), k_help.end(),
                                  [&](const CommandHelp& h) { return h.command == command; });
    if (own == k_help.end()) {
        out << usage_text("Usage: ") << "\n"
            << config::common_options(defaults) << "\n"
            << config::serve_options(defaults);
        return;
    }
    // GNU style, which help2man turns into the SYNOPSIS: one line per form,
    // "   or: " before the second and later ones; serve's table says the rest.
    if (own->serve_options) {
        out << "Usage: patd " << own->command << " [OPTION]...\n";
    } else {
        std::string usage(own->usage);
        for (auto at = usage.find("\n       patd "); at != std::string::npos;
             at = usage.find("\n       patd ", at + 1))
            usage.replace(at + 1, 7, "   or: ");
        out << "Usage: " << usage;
    }
    out << k_usage_tail << "\n" << config::common_options(defaults);
    if (own->serve_options) out << "\n" << config::serve_options(defaults);
    bool unused = false;
    if (command == "user") out << "\n" << user_options(unused);
    if (command == "oidc") out << "\n" << oidc_options_help();
    if (command == "audit") out << "\n" << audit_options_help();
    if (command == "restore") out << "\n" << restore_options_help();
    if (command == "migrate") out << "\n" << migrate_options_help();
}

void usage_error(const std::string& message) {
    std::cerr << "patd: " << message << "\n" << usage_text();
}

}  // namespace

void say(const std::string& text) {
    std::cerr << "patd: " << text << std::endl;
}

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
    // Everything patd creates (database, WAL and SHM files, keys, the data
    // dir and its parents) is for its own user only, whatever umask the
    // shell had; the systemd unit sets UMask=0077 too.
    ::umask(077);
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
        print_help(command, out);
        return 0;
    }
    if (command == "oidc") return cmd_oidc({args.begin() + 1, args.end()}, out);
    if (command == "audit") return cmd_audit({args.begin() + 1, args.end()}, out);
    if (command == "backup") return cmd_backup({args.begin() + 1, args.end()}, out);
    if (command == "restore") return cmd_restore({args.begin() + 1, args.end()}, out);
    if (command == "migrate") return cmd_migrate({args.begin() + 1, args.end()}, out);
    if (command != "serve" && command != "user" && command != "cert") {
        usage_error("unknown command '" + command + "'");
        return 2;
    }

    config::Config config;
    bool password_stdin = false;
    auto options = config::common_options(config);
    options.add(config::serve_options(config));
    options.add(user_options(password_stdin));
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
