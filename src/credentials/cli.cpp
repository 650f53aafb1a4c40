#include "credentials/cli.hpp"

#include <string>

#include "credentials/protocol.hpp"

namespace pat::cred {

std::string usage_line() {
    return "Usage: " + std::string(k_program_name) + " <store|get|erase|list|version>";
}

int run_cli(const std::vector<std::string_view>& args, const StoreOpener& open_store,
            std::istream& in, std::ostream& out) {
    if (args.size() != 1) {
        out << usage_line() << '\n';
        return 1;
    }
    const std::string_view action = args.front();
    if (action == "--version" || action == "-v" || action == "version") {
        out << version_line() << '\n';
        return 0;
    }
    if (action == "--help" || action == "-h") {
        out << usage_line() << '\n';
        return 0;
    }
    if (action != "store" && action != "get" && action != "erase" && action != "list") {
        return write_error(out, unknown_action_message(action));
    }
    auto store = open_store();
    if (!store) return write_error(out, store.error().message);
    return run_action(**store, action, in, out);
}

}  // namespace pat::cred
