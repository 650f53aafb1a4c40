// The dispatch main uses: commands for people vs. protocol actions, and the
// overview (`help`, `--help`, `-h`) and build facts (`--version`, `-v`).
#include <algorithm>
#include <array>
#include <ostream>
#include <string_view>

#include "helper/commands/build_features.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"

namespace pat::helper {
namespace {

struct Entry {
    std::string_view name;
    std::string_view summary;  // one line in `help`
    int (*run)(const Args&, CommandContext&);
};

int run_help(const Args& args, CommandContext& ctx);
int run_version(const Args& args, CommandContext& ctx);

// Every command for people, in the order `help` lists them. A command added
// here is listed by `help` (tests/commands/help_test.sh checks each).
constexpr std::array k_commands{
    Entry{"tokens", "list, create, rename, activate, deactivate or delete your tokens on patd",
          &run_tokens},
    Entry{"check", "each stored token's state, scopes, expiry and last use", &run_check},
    Entry{"ci", "ci login/ci logout: a token for a CI job (or keyless, --oidc)", &run_ci},
    Entry{"configure", "point the docker CLI at this helper (credHelpers or credsStore)",
          &run_configure},
    Entry{"doctor", "why the helper does or does not work here, with a fix for each problem",
          &run_doctor},
    Entry{"login", "sign in through the browser and keep the token patd issues", &run_login},
    Entry{"logout", "forget a registry's token (and delete an auto-generated one on patd)",
          &run_logout},
    Entry{"accounts", "several accounts per registry: list them, pick the one docker uses",
          &run_accounts},
    Entry{"help", "this overview; help COMMAND is COMMAND --help", &run_help},
};

// What `--help` adds after upstream's usage line; the first line stays
// byte-identical to docker-credential-helpers' (docs/protocol.md).
constexpr std::string_view k_actions =
    "  store      keep the credential given on stdin (JSON ServerURL, Username, Secret)\n"
    "  get        print the credential for the server URL given on stdin\n"
    "  erase      forget the credential for the server URL given on stdin\n"
    "  list       print every stored server URL and its username (JSON)\n"
    "  version    print the version line\n";

int run_help(const Args& args, CommandContext& ctx) {
    if (!args.empty() && args.front() != "help" && is_helper_command(args.front())) {
        Args rest(args.begin() + 1, args.end());
        rest.emplace_back("--help");
        return run_command(args.front(), rest, ctx);
    }
    if (!args.empty()) {
        return cmd::report_error(ctx, "help", "unknown command: " + args.front(),
                                 cmd::k_exit_usage);
    }
    ctx.out << "Usage: docker-credential-pat <store|get|erase|list|version>\n"
               "       docker-credential-pat COMMAND [OPTIONS]\n\n"
               "A Docker credential helper that keeps personal access tokens in the OS keychain\n"
               "and knows what they are.\n\n"
               "Protocol actions (docker runs these, one argument, stdin and stdout):\n"
            << k_actions << "\nCommands:\n";
    for (const Entry& e : k_commands) {
        ctx.out << "  " << e.name << std::string(11 - std::min<std::size_t>(e.name.size(), 10), ' ')
                << e.summary << '\n';
    }
    ctx.out << "\nRun 'docker-credential-pat COMMAND --help' for a command's options.\n"
               "--version also prints the stores and transports of this build.\n"
               "Documentation: README.md, sections \"Commands\" and \"Error messages\"\n"
               "(installed as /usr/share/doc/docker-credential-pat/README.md).\n";
    return 0;
}

int run_version(const Args&, CommandContext& ctx) {
    ctx.out << build_features_text();
    return 0;
}

bool is_overview_word(std::string_view word) {
    return word == "--help" || word == "-h" || word == "--version" || word == "-v";
}

}  // namespace

bool is_helper_command(std::string_view word) {
    return is_overview_word(word) || std::any_of(k_commands.begin(), k_commands.end(),
                                                 [&](const Entry& e) { return e.name == word; });
}

int run_command(const std::string& name, const Args& args, CommandContext& ctx) {
    if (name == "--help" || name == "-h") return run_help(args, ctx);
    if (name == "--version" || name == "-v") return run_version(args, ctx);
    for (const auto& e : k_commands) {
        if (e.name == name) return e.run(args, ctx);
    }
    return cmd::report_error(ctx, name, "unknown command", cmd::k_exit_usage);
}

}  // namespace pat::helper
