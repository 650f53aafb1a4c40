// docker-credential-pat: the Docker credential helper (docs/protocol.md).
// Thin main: harden the process; the commands for people go to
// src/helper/commands, the protocol actions run on the PAT-aware store over
// the configured keychain (src/helper/lifecycle).
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
#include "helper/lifecycle/flush.hpp"
#include "helper/lifecycle/helper_runtime.hpp"

int main(int argc, char** argv) {
    pat::harden_process();
    std::ios::sync_with_stdio(false);
    try {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        const auto env = pat::cred::process_environment();
        // The hidden action of the detached flush (src/helper/lifecycle/flush.hpp).
        if (args.size() == 1 && args[0] == "flush") return pat::helper::run_flush_command(env);
        if (argc >= 2 && pat::helper::is_helper_command(argv[1])) {
            pat::helper::CommandContext ctx{env, std::cin, std::cout, std::cerr,
                                            ::isatty(STDIN_FILENO) == 1};
            const int rc =
                pat::helper::run_command(argv[1], pat::helper::Args(argv + 2, argv + argc), ctx);
            std::cout.flush();
            return std::cout ? rc : 1;
        }
        const int rc = pat::cred::run_cli(
            args, [&] { return pat::helper::open_pat_store(env, std::cerr); }, std::cin, std::cout);
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
