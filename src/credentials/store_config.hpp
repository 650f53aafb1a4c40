#pragma once
// Which keychain the helper uses, and how (README "Configuration").
//
// Three settings, each from the environment or from the config file
// $XDG_CONFIG_HOME/docker-credential-pat/config.json (XDG_CONFIG_HOME
// defaults to ~/.config); the environment wins, an empty variable counts as
// unset, and every bad value is an error (never a silent default):
//
//   env DOCKER_CREDENTIAL_PAT_STORE       file "store"       auto | secretservice | keyring
//   env DOCKER_CREDENTIAL_PAT_KEYRING     file "keyring"     user | session
//   env DOCKER_CREDENTIAL_PAT_TIMEOUT_MS  file "timeout_ms"  1 … 600000 (default 3000)
//
// The memory store is not selectable: it exists only in test binaries.

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "credentials/errors.hpp"

namespace pat::cred {

enum class StoreKind { automatic, secret_service, keyring };
enum class KeyringParent { user, session };

struct StoreConfig {
    StoreKind store = StoreKind::automatic;
    // Where the dedicated `docker-credential-pat` keyring is linked: the
    // user keyring (every process of the user) or the session keyring.
    KeyringParent keyring = KeyringParent::user;
    // Deadline for each keychain call (D-Bus); nothing waits longer.
    std::chrono::milliseconds timeout{3000};
    // DOCKER_CREDENTIAL_PAT_ACCOUNT (environment only): the account this
    // process uses on every registry that has it (docs/accounts.md).
    std::optional<std::string> account;
};

inline constexpr std::string_view k_env_store = "DOCKER_CREDENTIAL_PAT_STORE";
inline constexpr std::string_view k_env_keyring = "DOCKER_CREDENTIAL_PAT_KEYRING";
inline constexpr std::string_view k_env_timeout = "DOCKER_CREDENTIAL_PAT_TIMEOUT_MS";
inline constexpr std::string_view k_env_account = "DOCKER_CREDENTIAL_PAT_ACCOUNT";

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup process_environment();

// $XDG_CONFIG_HOME/docker-credential-pat/config.json, or
// $HOME/.config/docker-credential-pat/config.json when XDG_CONFIG_HOME is
// unset or relative; nullopt when neither gives an absolute path.
std::optional<std::string> config_file_path(const EnvLookup& env);

// Keys of the same config file that other parts of the program read (the
// helper passes its token-service keys, helper_config.hpp): accepted here
// without a look, and listed with the store's keys when a key is unknown.
// This layer knows only its own three keys.
using OtherKeys = std::span<const std::string_view>;

// Applies the settings of a config file's text on top of `config`.
// Errors name the file, e.g. `invalid config file /x/config.json: "store" must be …`;
// a key that is neither a store key nor in `other_keys` is an error.
Result<StoreConfig> apply_config_file(StoreConfig config, std::string_view text,
                                      std::string_view path, OtherKeys other_keys = {});

// Applies the DOCKER_CREDENTIAL_PAT_* variables on top of `config`.
Result<StoreConfig> apply_environment(StoreConfig config, const EnvLookup& env);

// The config file's text: nullopt when there is no path or no file; an
// unreadable or oversized (> 64 KiB) file is an error naming the path.
// Shared with the helper's token-service settings (helper_config.cpp).
struct ConfigFileText {
    std::string path;
    std::string text;
};
Result<std::optional<ConfigFileText>> read_config_file(const EnvLookup& env);

// Defaults, then the config file (when it exists), then the environment.
// A missing file is fine; an unreadable or invalid one is an error.
Result<StoreConfig> load_store_config(const EnvLookup& env, OtherKeys other_keys = {});
// The same from a file already read (read_config_file), for callers that
// also need the file's other settings: one read per helper call.
Result<StoreConfig> load_store_config(const EnvLookup& env,
                                      const std::optional<ConfigFileText>& file,
                                      OtherKeys other_keys = {});

}  // namespace pat::cred
