// docker-credential-pat: the Docker credential helper (shared/docs/protocol.md).
// Thin main: harden the process, pick the configured store, run the action.
#include <unistd.h>

#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "common/log.hpp"
#include "common/process.hpp"
#include "credentials/cli.hpp"
#include "credentials/protocol.hpp"
#include "helper/commands/commands.hpp"
#include "linux/store_factory.hpp"

int main(int argc, char** argv) {
    pat::harden_process();
    std::ios::sync_with_stdio(false);
    try {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        const auto env = pat::cred::process_environment();
        if (argc >= 2 && pat::helper::is_helper_command(argv[1])) {
            pat::helper::CommandContext ctx{env, std::cin, std::cout, std::cerr,
                                            ::isatty(STDIN_FILENO) == 1};
            const int rc =
                pat::helper::run_command(argv[1], pat::helper::Args(argv + 2, argv + argc), ctx);
            std::cout.flush();
            return std::cout ? rc : 1;
        }
        const int rc = pat::cred::run_cli(
            args, [&] { return pat::platform::make_configured_store(env); }, std::cin, std::cout);
        std::cout.flush();
        return std::cout ? rc : 1;
    } catch (const std::exception& e) {
        // Unexpected: keep stdout to one protocol line, details on stderr.
        pat::log::error(e.what());
        pat::cred::write_error(std::cout, "docker-credential-pat: internal error (see stderr)");
        std::cout.flush();
        return 1;
    }
}
