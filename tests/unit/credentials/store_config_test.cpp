#include "credentials/store_config.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace pat::cred;
using namespace std::chrono_literals;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string env_error(std::map<std::string, std::string> vars) {
    auto r = apply_environment({}, env_of(std::move(vars)));
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

std::string file_error(std::string_view text) {
    auto r = apply_config_file({}, text, "/c.json");
    REQUIRE_FALSE(r.ok());
    return r.error().message;
}

}  // namespace

TEST_CASE("config: defaults are auto, the user keyring and 3 s", "[config]") {
    auto r = apply_environment({}, env_of({}));
    REQUIRE(r.ok());
    CHECK(r->store == StoreKind::automatic);
    CHECK(r->keyring == KeyringParent::user);
    CHECK(r->timeout == 3000ms);
}

TEST_CASE("config: environment values", "[config]") {
    auto r = apply_environment({}, env_of({{"DOCKER_CREDENTIAL_PAT_STORE", "keyring"},
                                           {"DOCKER_CREDENTIAL_PAT_KEYRING", "session"},
                                           {"DOCKER_CREDENTIAL_PAT_TIMEOUT_MS", "250"}}));
    REQUIRE(r.ok());
    CHECK(r->store == StoreKind::keyring);
    CHECK(r->keyring == KeyringParent::session);
    CHECK(r->timeout == 250ms);
    CHECK(
        apply_environment({}, env_of({{"DOCKER_CREDENTIAL_PAT_STORE", "secretservice"}}))->store ==
        StoreKind::secret_service);
    // Empty counts as unset.
    CHECK(apply_environment({}, env_of({{"DOCKER_CREDENTIAL_PAT_STORE", ""}}))->store ==
          StoreKind::automatic);
}

TEST_CASE("config: bad environment values are errors, not defaults", "[config]") {
    CHECK(env_error({{"DOCKER_CREDENTIAL_PAT_STORE", "pass"}}) ==
          "invalid DOCKER_CREDENTIAL_PAT_STORE value \"pass\": expected auto, secretservice or "
          "keyring");
    CHECK(env_error({{"DOCKER_CREDENTIAL_PAT_STORE", "memory"}}).find("expected auto") !=
          std::string::npos);
    CHECK(env_error({{"DOCKER_CREDENTIAL_PAT_KEYRING", "thread"}}) ==
          "invalid DOCKER_CREDENTIAL_PAT_KEYRING value \"thread\": expected user or session");
    for (const char* bad : {"0", "-5", "3s", "600001", "1e3", " 10", "99999999999999999999"}) {
        INFO(bad);
        CHECK(env_error({{"DOCKER_CREDENTIAL_PAT_TIMEOUT_MS", bad}}) ==
              "invalid DOCKER_CREDENTIAL_PAT_TIMEOUT_MS value \"" + std::string(bad) +
                  "\": expected a whole number of milliseconds from 1 to 600000");
    }
}

TEST_CASE("config: file settings and their errors", "[config]") {
    auto r = apply_config_file({}, R"({"store":"keyring","keyring":"session","timeout_ms":100})",
                               "/c.json");
    REQUIRE(r.ok());
    CHECK(r->store == StoreKind::keyring);
    CHECK(r->keyring == KeyringParent::session);
    CHECK(r->timeout == 100ms);
    CHECK(apply_config_file({}, "{}", "/c.json").ok());
    CHECK(file_error("{") == "invalid config file /c.json: not valid JSON");
    CHECK(file_error("[]") == "invalid config file /c.json: expected a JSON object");
    CHECK(file_error(R"({"store":"vault"})") ==
          "invalid config file /c.json: \"store\": \"vault\": expected auto, secretservice or "
          "keyring");
    CHECK(file_error(R"({"keyring":1})") ==
          "invalid config file /c.json: \"keyring\": 1: expected user or session");
    CHECK(file_error(R"({"store":""})") ==
          "invalid config file /c.json: \"store\": \"\": expected auto, secretservice or keyring");
    CHECK(file_error(R"({"timeout_ms":"5"})") ==
          "invalid config file /c.json: \"timeout_ms\": \"5\": expected a whole number of "
          "milliseconds from 1 to 600000");
    CHECK(file_error(R"({"timeout_ms":2.5})") ==
          "invalid config file /c.json: \"timeout_ms\": 2.5: expected a whole number of "
          "milliseconds from 1 to 600000");
    CHECK(file_error(R"({"timeout_ms":0})").find("from 1 to 600000") != std::string::npos);
    CHECK(file_error(R"({"stor":"keyring"})") ==
          "invalid config file /c.json: unknown setting \"stor\" (known: store, keyring, "
          "timeout_ms)");
    // A key with control characters is shown JSON-escaped: the error stays
    // one line (found by the config fuzzer, docs/fuzzing.md).
    CHECK(file_error("{\"time\\nout\\u001b[2J\":1}") ==
          "invalid config file /c.json: unknown setting \"time\\nout\\u001b[2J\" (known: store, "
          "keyring, timeout_ms)");
    // Keys read by other parts of the program share the file: the caller
    // names them (the helper passes its own, helper_config.hpp).
    constexpr std::string_view other[] = {"services", "flush_interval_s"};
    auto shared = apply_config_file(
        {}, R"({"store":"keyring","services":{"r.example":"https://t"},"flush_interval_s":"x"})",
        "/c.json", other);
    REQUIRE(shared.ok());
    CHECK(shared->store == StoreKind::keyring);
    auto unknown = apply_config_file({}, R"({"stor":"keyring"})", "/c.json", other);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message ==
          "invalid config file /c.json: unknown setting \"stor\" (known: store, keyring, "
          "timeout_ms, services, flush_interval_s)");
    // Without them, they are unknown like any other key.
    CHECK_FALSE(apply_config_file({}, R"({"services":{"r.example":"https://t"}})", "/c.json").ok());
}

TEST_CASE("config: file path follows XDG_CONFIG_HOME, else HOME/.config", "[config]") {
    CHECK(config_file_path(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})) ==
          "/x/docker-credential-pat/config.json");
    CHECK(config_file_path(env_of({{"XDG_CONFIG_HOME", "rel"}, {"HOME", "/h"}})) ==
          "/h/.config/docker-credential-pat/config.json");
    CHECK(config_file_path(env_of({{"HOME", "/h"}})) ==
          "/h/.config/docker-credential-pat/config.json");
    CHECK_FALSE(config_file_path(env_of({})).has_value());
}

TEST_CASE("config: the environment wins over the file; a bad file is an error", "[config]") {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("pat-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir / "docker-credential-pat");
    const auto cleanup = [&] { fs::remove_all(dir); };
    {
        std::ofstream(dir / "docker-credential-pat/config.json")
            << R"({"store":"keyring","timeout_ms":50})";
    }
    auto r = load_store_config(
        env_of({{"XDG_CONFIG_HOME", dir.string()}, {"DOCKER_CREDENTIAL_PAT_TIMEOUT_MS", "70"}}));
    REQUIRE(r.ok());
    CHECK(r->store == StoreKind::keyring);
    CHECK(r->timeout == 70ms);
    { std::ofstream(dir / "docker-credential-pat/config.json") << R"({"store":"nope"})"; }
    auto bad = load_store_config(
        env_of({{"XDG_CONFIG_HOME", dir.string()}, {"DOCKER_CREDENTIAL_PAT_STORE", "keyring"}}));
    CHECK_FALSE(bad.ok());
    // A missing file is fine.
    CHECK(load_store_config(env_of({{"XDG_CONFIG_HOME", (dir / "none").string()}})).ok());
    cleanup();
}
