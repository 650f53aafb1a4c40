// patd: the token service. Everything happens in pat::patd::cli::run.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "common/process.hpp"
#include "patd/cli/cli.hpp"

int main(int argc, char** argv) {
    pat::harden_process();
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        return pat::patd::cli::run(args, std::cin, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "patd: unexpected error: " << e.what() << "\n";
        return 1;
    }
}
