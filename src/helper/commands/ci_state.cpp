#include "helper/commands/ci_state.hpp"

#include <nlohmann/json.hpp>

#include "helper/state/state_paths.hpp"

namespace pat::helper::cmd {

constexpr std::string_view k_what = "ci login state";

CiState load_ci_state(const std::string& path) {
    auto text = read_state_file(k_what, path);
    if (!text || !*text) return {};
    const auto j = nlohmann::json::parse(**text, nullptr, false);
    CiState state;
    if (!j.is_object()) return state;
    for (const auto& [key, value] : j.items()) {
        if (!value.is_object()) continue;
        CiEntry e;
        e.docker_config = value.value("docker_config", "");
        e.added_helper = value.value("added_helper", false);
        state[key] = e;
    }
    return state;
}

cred::Result<void> save_ci_state(const std::string& path, const CiState& state) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, e] : state) {
        j[key] = {{"docker_config", e.docker_config}, {"added_helper", e.added_helper}};
    }
    return write_state_file(k_what, path, j.dump() + '\n');
}

}  // namespace pat::helper::cmd
