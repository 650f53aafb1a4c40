#pragma once
// doctor's checks of what changed around the helper in CI (docs/doctor.md):
//  - docker CLI 28.3 and later read DOCKER_AUTH_CONFIG from the environment
//    and use its credentials before every credential helper; GitLab CI
//    uses a variable of the same name, so it is often set in jobs;
//  - GitLab Runner 19.4 (and 19.3.2, 19.2.4, 19.1.3) runs only the
//    credential helpers its config.toml allows
//    (`allowed_docker_credential_helpers`).
// Pure over the environment and file text, so tests need no runner.

#include <optional>
#include <string>
#include <vector>

#include "credentials/store_config.hpp"

namespace pat::helper {

struct CiFinding {
    std::string id;      // stable, for --format json
    std::string check;   // what people read
    std::string status;  // ok | warn | fail | info
    std::string detail;
    std::string fix;  // one line; empty when there is nothing to do
};

// The DOCKER_AUTH_CONFIG finding. `stored` are the keys the helper holds:
// a registry both in DOCKER_AUTH_CONFIG and stored here is named, because
// docker uses the variable's credentials for it, not ours.
CiFinding check_docker_auth_config(const cred::EnvLookup& env,
                                   const std::vector<std::string>& stored);

// The GitLab Runner finding, from GITLAB_CI/CI_RUNNER_VERSION and the text
// of the runner's config.toml if one was found (`runner_config` = path and
// text).
struct RunnerConfig {
    std::string path;
    std::string text;
};
CiFinding check_gitlab_runner(const cred::EnvLookup& env,
                              const std::optional<RunnerConfig>& runner_config);

// $HOME/.gitlab-runner/config.toml, then /etc/gitlab-runner/config.toml:
// the first that can be read (at most 1 MiB), else nullopt.
std::optional<RunnerConfig> find_runner_config(const cred::EnvLookup& env);

// Whether a GitLab Runner version ("19.4.0", "v19.3.2~beta") restricts
// job-supplied credential helpers: 19.4 and later, and the backports
// 19.3.2, 19.2.4 and 19.1.3 onwards in their series.
bool runner_restricts_helpers(std::string_view version);

// The stable id (and subject) of a doctor check for --format json: `id` when
// given, else from the check's name: "secret service" -> "secret-service";
// per-registry checks keep the registry as subject: "token service h:5000"
// -> {"token-service", "h:5000"}. Every check has an id (docs/doctor.md).
struct CheckId {
    std::string id;
    std::string subject;
};
CheckId doctor_check_id(const std::string& check, const std::string& id);

}  // namespace pat::helper
