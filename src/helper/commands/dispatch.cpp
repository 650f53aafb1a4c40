// The dispatch main uses: commands for people vs. protocol actions.
#include <algorithm>
#include <array>
#include <string_view>

#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"

namespace pat::helper {
namespace {

struct Entry {
    std::string_view name;
    int (*run)(const Args&, CommandContext&);
};

constexpr std::array k_commands{
    Entry{"tokens", &run_tokens},       Entry{"check", &run_check},   Entry{"ci", &run_ci},
    Entry{"configure", &run_configure}, Entry{"doctor", &run_doctor}, Entry{"login", &run_login},
    Entry{"logout", &run_logout},
};

}  // namespace

bool is_helper_command(std::string_view word) {
    return std::any_of(k_commands.begin(), k_commands.end(),
                       [&](const Entry& e) { return e.name == word; });
}

int run_command(const std::string& name, const Args& args, CommandContext& ctx) {
    for (const auto& e : k_commands) {
        if (e.name == name) return e.run(args, ctx);
    }
    return cmd::report_error(ctx, name, "unknown command", cmd::k_exit_usage);
}

}  // namespace pat::helper
