#include "helper/commands/doctor_ci_checks.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace pat::helper;

namespace {

pat::cred::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

TEST_CASE("doctor: GitLab Runner versions that restrict credential helpers", "[doctor]") {
    for (const char* v : {"19.4.0", "v19.4.1", "19.5.0", "20.0.0", "19.3.2", "19.2.4", "19.1.3",
                          "19.3.10", "19.4"}) {
        INFO(v);
        CHECK(runner_restricts_helpers(v));
    }
    for (const char* v : {"19.3.1", "19.2.3", "19.1.2", "19.0.9", "18.11.0", "", "garbage", "19"}) {
        INFO(v);
        CHECK_FALSE(runner_restricts_helpers(v));
    }
}

TEST_CASE("doctor: DOCKER_AUTH_CONFIG over a stored registry is a warning with a fix", "[doctor]") {
    const auto unset = check_docker_auth_config(env_of({}), {"r.example"});
    CHECK(unset.id == "docker-auth-config");
    CHECK(unset.status == "ok");
    const auto over = check_docker_auth_config(
        env_of({{"DOCKER_AUTH_CONFIG", R"({"auths":{"r.example":{"auth":"eDp5"}}})"}}),
        {"r.example", "other.example"});
    CHECK(over.status == "warn");
    CHECK(over.detail.find("r.example") != std::string::npos);
    CHECK(over.detail.find("other.example") == std::string::npos);
    CHECK(over.fix.rfind("unset DOCKER_AUTH_CONFIG", 0) == 0);
    const auto elsewhere = check_docker_auth_config(
        env_of({{"DOCKER_AUTH_CONFIG", R"({"auths":{"x.example":{}}})"}}), {"r.example"});
    CHECK(elsewhere.status == "info");
    const auto here = check_docker_auth_config(
        env_of({{"DOCKER_AUTH_CONFIG", R"({"credHelpers":{"r.example":"pat"}})"}}), {});
    CHECK(here.status == "ok");
    CHECK(here.fix.empty());
    CHECK(check_docker_auth_config(env_of({{"DOCKER_AUTH_CONFIG", "{nope"}}), {}).status == "warn");
}

TEST_CASE("doctor: the runner's allowlist decides, then the job's runner version", "[doctor]") {
    const RunnerConfig without{"/x/config.toml", "[[runners]]\n  name = \"a\"\n"};
    const RunnerConfig other{"/x/config.toml",
                             "[[runners]]\n  allowed_docker_credential_helpers = [\"gcr\"]\n"};
    const RunnerConfig allowed{"/x/config.toml",
                               "  allowed_docker_credential_helpers = [\"gcr\", \"pat\"]\n"};
    const RunnerConfig commented{"/x/config.toml",
                                 "# allowed_docker_credential_helpers = [\"pat\"]\n"};
    CHECK(check_gitlab_runner(env_of({}), without).status == "warn");
    CHECK(check_gitlab_runner(env_of({}), other).status == "warn");
    CHECK(check_gitlab_runner(env_of({}), commented).status == "warn");
    CHECK(check_gitlab_runner(env_of({}), allowed).status == "ok");
    CHECK(check_gitlab_runner(env_of({}), std::nullopt).status == "ok");
    const auto job = check_gitlab_runner(
        env_of({{"GITLAB_CI", "true"}, {"CI_RUNNER_VERSION", "19.4.0"}}), std::nullopt);
    CHECK(job.status == "warn");
    CHECK(job.id == "gitlab-runner-helpers");
    CHECK(job.fix.find("allowed_docker_credential_helpers") != std::string::npos);
    CHECK(check_gitlab_runner(env_of({{"GITLAB_CI", "true"}, {"CI_RUNNER_VERSION", "19.3.1"}}),
                              std::nullopt)
              .status == "ok");
}

TEST_CASE("doctor: every check gets a stable id", "[doctor]") {
    CHECK(doctor_check_id("secret service", "").id == "secret-service");
    CHECK(doctor_check_id("kernel keyring", "").id == "kernel-keyring");
    CHECK(doctor_check_id("d-bus", "").id == "d-bus");
    CHECK(doctor_check_id("state directory", "").id == "state-directory");
    const auto per_key = doctor_check_id("token service h:5000", "");
    CHECK(per_key.id == "token-service");
    CHECK(per_key.subject == "h:5000");
    CHECK(doctor_check_id("DOCKER_AUTH_CONFIG", "docker-auth-config").id == "docker-auth-config");
}
