// load_helper_config: defaults, config file, environment (env wins), and
// one clear error naming the setting for every bad value.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "helper/lifecycle/helper_config.hpp"
#include "state/temp_dir.hpp"

using pat::helper::load_helper_config;

namespace {

struct TempHome {
    pat::helper::test::TempDir temp;
    std::filesystem::path dir{temp.path};
    void write_config(const std::string& text) const {
        std::filesystem::create_directories(dir / "cfg/docker-credential-pat");
        std::ofstream(dir / "cfg/docker-credential-pat/config.json") << text;
    }
    pat::cred::EnvLookup env(std::map<std::string, std::string> vars) const {
        vars.emplace("HOME", dir.string());
        vars.emplace("XDG_CONFIG_HOME", (dir / "cfg").string());
        return [vars](std::string_view name) -> std::optional<std::string> {
            auto it = vars.find(std::string(name));
            if (it == vars.end()) return std::nullopt;
            return it->second;
        };
    }
};

}  // namespace

TEST_CASE("helper config: defaults without file or environment") {
    TempHome home;
    auto config = load_helper_config(home.env({}));
    REQUIRE(config);
    CHECK(config->exchange_passwords);
    CHECK(config->flush_interval == std::chrono::seconds(60));
    CHECK(config->locator.deadline == std::chrono::milliseconds(2000));
    CHECK_FALSE(config->locator.backend_url);
    CHECK(config->locator.services.empty());
    CHECK_FALSE(config->offline);
    CHECK(config->paths.state_dir == (home.dir / ".local/state/docker-credential-pat").string());
    CHECK(config->locator.cache_path == config->paths.services_cache());
}

TEST_CASE("helper config: the file sets every token-service setting") {
    TempHome home;
    home.write_config(R"({"store":"keyring","services":{"reg.example:5000":"http://127.0.0.1:5001"},
        "exchange_passwords":false,"flush_interval_s":0,"validate_timeout_ms":500})");
    auto config = load_helper_config(home.env({}));
    REQUIRE(config);
    CHECK_FALSE(config->exchange_passwords);
    CHECK(config->flush_interval == std::chrono::seconds(0));
    CHECK(config->locator.deadline == std::chrono::milliseconds(500));
    CHECK(config->locator.services.at("reg.example:5000") == "http://127.0.0.1:5001");
}

TEST_CASE("helper config: the environment wins over the file; empty counts as unset") {
    TempHome home;
    home.write_config(R"({"exchange_passwords":false,"flush_interval_s":30})");
    auto config =
        load_helper_config(home.env({{"DOCKER_CREDENTIAL_PAT_EXCHANGE", "1"},
                                     {"DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL", ""},
                                     {"DOCKER_CREDENTIAL_PAT_VALIDATE_MS", "750"},
                                     {"DOCKER_CREDENTIAL_PAT_OFFLINE", "true"},
                                     {"DOCKER_CREDENTIAL_PAT_BACKEND", "https://patd.example"}}));
    REQUIRE(config);
    CHECK(config->exchange_passwords);
    CHECK(config->flush_interval == std::chrono::seconds(30));
    CHECK(config->locator.deadline == std::chrono::milliseconds(750));
    CHECK(config->offline);
    CHECK(config->locator.backend_url == "https://patd.example");
}

TEST_CASE("helper config: bad environment values name the variable") {
    TempHome home;
    const std::pair<const char*, const char*> cases[] = {
        {"DOCKER_CREDENTIAL_PAT_EXCHANGE", "yes"},
        {"DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL", "86401"},
        {"DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL", "-1"},
        {"DOCKER_CREDENTIAL_PAT_VALIDATE_MS", "0"},
        {"DOCKER_CREDENTIAL_PAT_VALIDATE_MS", "12ms"},
        {"DOCKER_CREDENTIAL_PAT_OFFLINE", "2"},
        {"DOCKER_CREDENTIAL_PAT_BACKEND", "ftp://x"},
    };
    for (const auto& [name, value] : cases) {
        auto config = load_helper_config(home.env({{name, value}}));
        REQUIRE_FALSE(config);
        CHECK(config.error().code == pat::cred::Errc::bad_input);
        CHECK(config.error().message.rfind(
                  "invalid " + std::string(name) + " value \"" + value + "\": expected", 0) == 0);
    }
}

TEST_CASE("helper config: bad file values name the file and the setting") {
    TempHome home;
    const std::pair<const char*, const char*> cases[] = {
        {R"({"services":[]})", "\"services\": expected an object"},
        {R"({"services":{"r":"nope"}})", "\"services\" entry \"r\": \"nope\": expected an http"},
        {R"({"exchange_passwords":"no"})",
         "\"exchange_passwords\": \"no\": expected true or false"},
        {R"({"flush_interval_s":1.5})", "\"flush_interval_s\": 1.5: expected a whole number"},
        {R"({"validate_timeout_ms":60001})", "\"validate_timeout_ms\": 60001: expected"},
    };
    for (const auto& [text, why] : cases) {
        home.write_config(text);
        auto config = load_helper_config(home.env({}));
        REQUIRE_FALSE(config);
        const std::string path = (home.dir / "cfg/docker-credential-pat/config.json").string();
        CHECK(config.error().message.rfind("invalid config file " + path + ": " + why, 0) == 0);
    }
}

TEST_CASE("helper config: one file for both; the store layer accepts and names the helper's keys") {
    TempHome home;
    home.write_config(
        R"({"store":"keyring","services":{"r.example":"https://t.example"},)"
        R"("exchange_passwords":false,"flush_interval_s":5,"validate_timeout_ms":9})");
    auto settings = pat::helper::load_settings(home.env({}));
    REQUIRE(settings);
    CHECK(settings->store.store == pat::cred::StoreKind::keyring);
    CHECK_FALSE(settings->helper.exchange_passwords);

    home.write_config(R"({"stor":"keyring"})");
    auto bad = pat::helper::load_settings(home.env({}));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message ==
          "invalid config file " + (home.dir / "cfg/docker-credential-pat/config.json").string() +
              ": unknown setting \"stor\" (known: store, keyring, timeout_ms, services, "
              "exchange_passwords, flush_interval_s, validate_timeout_ms)");
}
