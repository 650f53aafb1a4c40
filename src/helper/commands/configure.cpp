// `docker-credential-pat configure [--registry R]... [--store-all]`: points
// the docker CLI at this helper, editing config.json safely (docker_config.hpp).
#include <nlohmann/json.hpp>
#include <ostream>

#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/docker_config.hpp"

namespace pat::helper {

int run_configure(const Args& args, CommandContext& ctx) {
    using namespace cmd;
    constexpr std::string_view name = "configure";
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::vector<std::string>>()->composing(),
                          "use the helper for registry R only (credHelpers[R] = \"pat\"); "
                          "repeatable")(
        "store-all",
        "use the helper for every registry (credsStore = \"pat\"); the default "
        "when no --registry is given")(
        "config", po::value<std::string>(),
        "the docker config file (default $DOCKER_CONFIG/config.json, else "
        "~/.docker/config.json)");
    int rc = 0;
    auto parsed = parse_command(
        args, options, {},
        {name, "configure [--registry R]... [--store-all]",
         "Points the docker CLI at docker-credential-pat. Keeps every other setting,\nwrites "
         "atomically and keeps the previous file as config.json.bak."},
        ctx, rc);
    if (!parsed) return rc;
    const auto& vm = parsed->vm;
    const auto fmt = parsed->format;
    std::vector<std::string> registries;
    if (vm.count("registry")) registries = vm["registry"].as<std::vector<std::string>>();
    for (const auto& r : registries) {
        if (r.empty() || r.find_first_of(" \t\r\n\"") != std::string::npos) {
            return report_error(ctx, name, "invalid --registry value '" + r + "'", k_exit_usage);
        }
    }
    const bool store_all = vm.count("store-all") > 0 || registries.empty();
    auto path = opt_string(vm, "config");
    if (!path) path = docker_config_path(ctx.env);
    if (!path) {
        return report_error(ctx, name, "cannot find the docker config: set DOCKER_CONFIG or HOME");
    }

    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    auto written = edit_docker_config(*path, [&](DockerConfig& config) {
        bool changed = false;
        if (store_all && set_creds_store(config, k_helper_name)) {
            changes.push_back("credsStore = pat");
            changed = true;
        }
        for (const auto& r : registries) {
            if (set_cred_helper(config, r, k_helper_name)) {
                changes.push_back("credHelpers[" + r + "] = pat");
                changed = true;
            }
        }
        return changed;
    });
    if (!written) return report_error(ctx, name, written.error().message);

    if (fmt == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"config", *path},
                                          {"changed", *written},
                                          {"backup", *written ? *path + ".bak" : ""},
                                          {"changes", changes}}
                       .dump()
                << '\n';
    } else if (!*written) {
        ctx.out << *path << " already uses docker-credential-pat; nothing changed\n";
    } else {
        for (const auto& c : changes) ctx.out << "set " << c.get<std::string>() << '\n';
        ctx.out << "updated " << *path << " (previous content in " << *path << ".bak)\n";
    }
    return 0;
}

}  // namespace pat::helper
