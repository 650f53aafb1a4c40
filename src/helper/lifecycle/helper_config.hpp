#pragma once
// The helper's token-service settings (README "Token service"), from the
// environment or the same config file as the store settings
// ($XDG_CONFIG_HOME/docker-credential-pat/config.json); env wins:
//   env DOCKER_CREDENTIAL_PAT_BACKEND          file "services": {key: URL}
//   env DOCKER_CREDENTIAL_PAT_EXCHANGE         file "exchange_passwords"  true|false (default true)
//   env DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL   file "flush_interval_s"    0 … 86400 (default 60)
//   env DOCKER_CREDENTIAL_PAT_VALIDATE_MS      file "validate_timeout_ms" 1 … 60000 (default 2000)
//   env DOCKER_CREDENTIAL_PAT_OFFLINE          (1: never touch the network; tests, air-gapped)
// Bad values are errors naming the setting.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"
#include "helper/state/state_paths.hpp"
#include "tokenclient/service_locator.hpp"

namespace pat::helper {

struct HelperConfig {
    tokenclient::LocatorOptions locator;  // backend, services, cache path, deadline
    bool exchange_passwords = true;
    std::chrono::seconds flush_interval{60};  // min time between automatic flushes
    bool offline = false;
    StatePaths paths;
};

inline constexpr std::string_view k_env_exchange = "DOCKER_CREDENTIAL_PAT_EXCHANGE";
inline constexpr std::string_view k_env_flush_interval = "DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL";
inline constexpr std::string_view k_env_validate_ms = "DOCKER_CREDENTIAL_PAT_VALIDATE_MS";
inline constexpr std::string_view k_env_offline = "DOCKER_CREDENTIAL_PAT_OFFLINE";

// The keys of config.json that load_helper_config reads. The file also holds
// the store's keys (cred::StoreConfig), and cred::load_store_config, which
// refuses unknown keys, is given these so that it accepts and names them.
inline constexpr std::string_view k_helper_config_keys[] = {
    "services", "exchange_passwords", "flush_interval_s", "validate_timeout_ms"};

// Defaults, then the config file, then the environment (an empty variable
// counts as unset). Booleans accept 1/0/true/false; URLs must be http(s)://.
// Without any usable HOME/XDG_* path, `paths` is left empty: the helper then
// keeps no spool or verdicts (get/store still work) and no discovery cache.
cred::Result<HelperConfig> load_helper_config(const cred::EnvLookup& env);
// The same from a config file already read (cred::read_config_file).
cred::Result<HelperConfig> load_helper_config(const cred::EnvLookup& env,
                                              const std::optional<cred::ConfigFileText>& file);

// All of the helper's settings: the token service and lifecycle, and the
// keychain (cred::StoreConfig).
struct Settings {
    HelperConfig helper;
    cred::StoreConfig store;
};

// Each kind of setting with its own result, from one read of config.json:
// `doctor` reports both. An unreadable file fails both the same way.
struct SettingsResults {
    cred::Result<HelperConfig> helper;
    cred::Result<cred::StoreConfig> store;
};
SettingsResults load_each_setting(const cred::EnvLookup& env);

// The settings every helper call starts from: config.json read and parsed
// once, then the environment. The first bad setting is the error (the
// token-service settings are checked first), one line naming it.
cred::Result<Settings> load_settings(const cred::EnvLookup& env);

}  // namespace pat::helper
