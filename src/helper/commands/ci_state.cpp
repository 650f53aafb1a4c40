#include "helper/commands/ci_state.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "helper/state/state_paths.hpp"

namespace pat::helper::cmd {

CiState load_ci_state(const std::string& path) {
    std::ifstream file(path);
    if (!file) return {};
    std::stringstream text;
    text << file.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
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
    const auto slash = path.rfind('/');
    if (slash != std::string::npos) {
        if (auto dir = ensure_private_dir(path.substr(0, slash)); !dir) return dir;
    }
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, e] : state) {
        j[key] = {{"docker_config", e.docker_config}, {"added_helper", e.added_helper}};
    }
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump() << '\n';
        if (!out.flush()) {
            return fail(cred::Error{cred::Errc::backend, "cannot write " + tmp});
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return fail(cred::Error{cred::Errc::backend, "cannot write " + path});
    }
    return {};
}

}  // namespace pat::helper::cmd
