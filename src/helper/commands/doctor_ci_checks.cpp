#include "helper/commands/doctor_ci_checks.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace pat::helper {
namespace {

constexpr std::string_view k_helper = "pat";  // docker-credential-<pat>

struct Version {
    int major = 0, minor = 0, patch = 0;
};

std::optional<Version> parse_version(std::string_view text) {
    if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
    Version v;
    int* parts[] = {&v.major, &v.minor, &v.patch};
    for (int i = 0; i < 3; ++i) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *parts[i]);
        if (ec != std::errc()) return i >= 2 ? std::optional<Version>(v) : std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        if (text.empty() || text.front() != '.')
            return i >= 1 ? std::optional<Version>(v) : std::nullopt;
        text.remove_prefix(1);
    }
    return v;
}

// The allowlist line of config.toml, if any: `allowed_docker_credential_helpers = …`.
std::optional<std::string> allowlist_line(const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find('\n', at);
        std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? text.size() : end + 1;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        if (line.compare(first, 33, "allowed_docker_credential_helpers") == 0) return line;
    }
    return std::nullopt;
}

bool names_helper(const std::string& line) {
    for (const char* form : {"\"pat\"", "'pat'", "docker-credential-pat"}) {
        if (line.find(form) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

bool runner_restricts_helpers(std::string_view version) {
    const auto v = parse_version(version);
    if (!v) return false;
    if (v->major != 19) return v->major > 19;
    if (v->minor >= 4) return true;
    if (v->minor == 3) return v->patch >= 2;
    if (v->minor == 2) return v->patch >= 4;
    if (v->minor == 1) return v->patch >= 3;
    return false;
}

CiFinding check_docker_auth_config(const cred::EnvLookup& env,
                                   const std::vector<std::string>& stored) {
    CiFinding f{"docker-auth-config", "DOCKER_AUTH_CONFIG", "ok", "not set", ""};
    const auto value = env("DOCKER_AUTH_CONFIG");
    if (!value || value->empty()) return f;
    f.status = "warn";
    f.fix =
        "unset DOCKER_AUTH_CONFIG where docker runs (in GitLab CI: rename the CI/CD "
        "variable or drop these registries from it)";
    const auto doc = nlohmann::json::parse(*value, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        f.detail = "set, but not a JSON object; docker CLI 28.3 and later still read it first";
        return f;
    }
    std::vector<std::string> covered;
    if (auto auths = doc.find("auths"); auths != doc.end() && auths->is_object()) {
        for (const auto& [key, entry] : auths->items()) {
            for (const auto& mine : stored) {
                if (mine == key) covered.push_back(key);
            }
        }
    }
    const bool points_here = (doc.contains("credsStore") && doc["credsStore"] == k_helper) ||
                             (doc.contains("credHelpers") && doc["credHelpers"].is_object() &&
                              std::any_of(doc["credHelpers"].begin(), doc["credHelpers"].end(),
                                          [](const auto& h) { return h == k_helper; }));
    if (!covered.empty()) {
        std::string names;
        for (const auto& c : covered) names += (names.empty() ? "" : ", ") + c;
        f.detail =
            "set: docker CLI 28.3 and later use its credentials before any credential "
            "helper, so docker does not ask this helper for " +
            names;
        return f;
    }
    f.status = points_here ? "ok" : "info";
    f.detail = points_here ? "set, and it points docker at this helper"
                           : "set: docker CLI 28.3 and later use its credentials before any "
                             "credential helper (none of the registries stored here)";
    if (points_here) f.fix.clear();
    return f;
}

CiFinding check_gitlab_runner(const cred::EnvLookup& env,
                              const std::optional<RunnerConfig>& runner_config) {
    CiFinding f{"gitlab-runner-helpers", "GitLab Runner credential helpers", "ok", "", ""};
    const std::string fix =
        "allow the helper \"pat\" in the runner's config.toml "
        "(allowed_docker_credential_helpers, GitLab Runner 19.4 and later)";
    if (runner_config) {
        const auto line = allowlist_line(runner_config->text);
        if (line && names_helper(*line)) {
            f.detail = runner_config->path + " allows the helper pat";
            return f;
        }
        f.status = "warn";
        f.detail = runner_config->path +
                   (line ? " restricts credential helpers and does not allow pat"
                         : " has no allowed_docker_credential_helpers: GitLab Runner 19.4 and "
                           "later run no credential helper a job's DOCKER_AUTH_CONFIG names");
        f.fix = fix;
        return f;
    }
    if (env("GITLAB_CI").value_or("") != "true") {
        f.detail = "not a GitLab CI job, and no runner config.toml found";
        return f;
    }
    const std::string version = env("CI_RUNNER_VERSION").value_or("");
    if (version.empty() || !runner_restricts_helpers(version)) {
        f.detail = "GitLab CI job on runner " + (version.empty() ? "(version unknown)" : version) +
                   ", which runs any credential helper";
        return f;
    }
    f.status = "warn";
    f.detail = "GitLab CI job on runner " + version +
               ", which runs only the credential helpers its config.toml allows";
    f.fix = fix;
    return f;
}

CheckId doctor_check_id(const std::string& check, const std::string& id) {
    if (!id.empty()) return {id, ""};
    constexpr std::string_view k_per_registry = "token service ";
    std::string name = check;
    std::string subject;
    if (check.rfind(k_per_registry, 0) == 0) {
        name = "token service";
        subject = check.substr(k_per_registry.size());
    }
    std::string slug;
    for (char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) {
            slug.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            slug.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (!slug.empty() && slug.back() != '-') {
            slug.push_back('-');
        }
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return {slug, subject};
}

std::optional<RunnerConfig> find_runner_config(const cred::EnvLookup& env) {
    std::vector<std::string> paths;
    if (auto home = env("HOME"); home && !home->empty() && home->front() == '/') {
        paths.push_back(*home + "/.gitlab-runner/config.toml");
    }
    paths.emplace_back("/etc/gitlab-runner/config.toml");
    for (const auto& path : paths) {
        std::ifstream file(path, std::ios::binary);
        if (!file) continue;
        std::string text(std::size_t{1} << 20, '\0');
        file.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(file.gcount()));
        return RunnerConfig{path, std::move(text)};
    }
    return std::nullopt;
}

}  // namespace pat::helper
