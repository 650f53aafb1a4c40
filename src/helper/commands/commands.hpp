#pragma once
// The helper's commands for people (README "Commands", docs/inputs.md), beside the protocol
// actions. Each takes the words after its name; errors are one clear line
// on `err` and a non-zero exit; output is a table by default and
// `--format json` for scripts. Boost.Program_options, `--help` on each.

#include <iosfwd>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "credentials/store_config.hpp"

namespace pat::helper {

struct CommandContext {
    const cred::EnvLookup& env;
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    bool stdin_is_tty = false;
    // "Now" for every judgement of time a command makes (expiry, checked_at).
    const Clock& clock = system_clock();
};

using Args = std::vector<std::string>;

int run_tokens(const Args& args, CommandContext& ctx);     // tokens list|create|rename|…
int run_check(const Args& args, CommandContext& ctx);      // check [R]
int run_ci(const Args& args, CommandContext& ctx);         // ci login|logout
int run_configure(const Args& args, CommandContext& ctx);  // configure [--registry R]…
int run_doctor(const Args& args, CommandContext& ctx);     // doctor
int run_login(const Args& args, CommandContext& ctx);      // login R [--no-browser]
int run_logout(const Args& args, CommandContext& ctx);     // logout R
int run_accounts(const Args& args, CommandContext& ctx);   // accounts list|use|remove

// Whether argv[1] names one of the commands above (or the hidden `flush`);
// main sends those to run_command, everything else to cred::run_cli.
bool is_helper_command(std::string_view word);
int run_command(const std::string& name, const Args& args, CommandContext& ctx);

}  // namespace pat::helper
