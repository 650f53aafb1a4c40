#include "credentials/store_config.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

namespace pat::cred {
namespace {

constexpr long long k_max_timeout_ms = 600000;
constexpr std::size_t k_max_config_bytes = std::size_t{64} * 1024;

struct Setting {
    std::string_view key;  // in config.json
    std::string_view env;  // the environment variable
    std::string_view expected;
};

constexpr Setting k_settings[] = {
    {"store", k_env_store, "expected auto, secretservice or keyring"},
    {"keyring", k_env_keyring, "expected user or session"},
    {"timeout_ms", k_env_timeout, "expected a whole number of milliseconds from 1 to 600000"},
};

// Applies one setting given as text; false when the text is not a valid value.
bool apply_setting(StoreConfig& config, std::string_view key, std::string_view v) {
    if (key == "store") {
        if (v == "auto")
            config.store = StoreKind::automatic;
        else if (v == "secretservice")
            config.store = StoreKind::secret_service;
        else if (v == "keyring")
            config.store = StoreKind::keyring;
        else
            return false;
        return true;
    }
    if (key == "keyring") {
        if (v == "user")
            config.keyring = KeyringParent::user;
        else if (v == "session")
            config.keyring = KeyringParent::session;
        else
            return false;
        return true;
    }
    long long ms = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size() || ms < 1 || ms > k_max_timeout_ms) {
        return false;
    }
    config.timeout = std::chrono::milliseconds(ms);
    return true;
}

Error bad_file(std::string_view path, std::string_view why) {
    return {Errc::bad_input, "invalid config file " + std::string(path) + ": " + std::string(why)};
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

EnvLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::optional<std::string> config_file_path(const EnvLookup& env) {
    constexpr std::string_view k_suffix = "/docker-credential-pat/config.json";
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
        return *xdg + std::string(k_suffix);
    }
    if (auto home = env("HOME"); home && !home->empty() && home->front() == '/') {
        return *home + "/.config" + std::string(k_suffix);
    }
    return std::nullopt;
}

namespace {

bool is_other_key(std::string_view key, OtherKeys other_keys) {
    return std::find(other_keys.begin(), other_keys.end(), key) != other_keys.end();
}

// "store, keyring, timeout_ms" and then `other_keys`, for the unknown-key error.
std::string known_keys(OtherKeys other_keys) {
    std::string out;
    for (const Setting& s : k_settings) out.append(out.empty() ? "" : ", ").append(s.key);
    for (std::string_view key : other_keys) out.append(", ").append(key);
    return out;
}

}  // namespace

Result<StoreConfig> apply_config_file(StoreConfig config, std::string_view text,
                                      std::string_view path, OtherKeys other_keys) {
    const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail(bad_file(path, "not valid JSON"));
    if (!doc.is_object()) return fail(bad_file(path, "expected a JSON object"));
    for (const auto& [key, value] : doc.items()) {
        const Setting* setting = nullptr;
        for (const Setting& s : k_settings) {
            if (s.key == key) setting = &s;
        }
        if (setting == nullptr && is_other_key(key, other_keys)) continue;
        if (setting == nullptr) {
            // The key as JSON (quoted, control characters escaped): it is
            // the user's text, and the error must stay one line.
            const std::string shown =
                nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return fail(bad_file(
                path, "unknown setting " + shown + " (known: " + known_keys(other_keys) + ")"));
        }
        // store and keyring are strings, timeout_ms a JSON integer.
        const bool is_timeout = setting->key == "timeout_ms";
        std::string as_text = value.is_string() && !is_timeout ? value.get<std::string>() : "";
        if (is_timeout && value.is_number_integer())
            as_text = std::to_string(value.get<long long>());
        if (as_text.empty() || !apply_setting(config, key, as_text)) {
            return fail(bad_file(
                path, "\"" + key + "\": " + value.dump() + ": " + std::string(setting->expected)));
        }
    }
    return config;
}

Result<StoreConfig> apply_environment(StoreConfig config, const EnvLookup& env) {
    for (const Setting& setting : k_settings) {
        const auto value = env(setting.env);
        if (!value || value->empty()) continue;  // empty counts as unset
        if (!apply_setting(config, setting.key, *value)) {
            return fail(Error{Errc::bad_input, "invalid " + std::string(setting.env) + " value \"" +
                                                   *value +
                                                   "\": " + std::string(setting.expected)});
        }
    }
    if (auto account = env(k_env_account); account && !account->empty()) config.account = *account;
    return config;
}

Result<std::optional<ConfigFileText>> read_config_file(const EnvLookup& env) {
    auto path = config_file_path(env);
    if (!path) return std::optional<ConfigFileText>();
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path->c_str(), "rb"));
    if (!file && errno != ENOENT && errno != ENOTDIR) {
        return fail(Error{Errc::bad_input,
                          "cannot read config file " + *path + ": " + std::strerror(errno)});
    }
    if (!file) return std::optional<ConfigFileText>();
    std::string text(k_max_config_bytes + 1, '\0');
    text.resize(std::fread(text.data(), 1, text.size(), file.get()));
    if (text.size() > k_max_config_bytes) return fail(bad_file(*path, "larger than 64 KiB"));
    return std::optional<ConfigFileText>(ConfigFileText{std::move(*path), std::move(text)});
}

Result<StoreConfig> load_store_config(const EnvLookup& env, OtherKeys other_keys) {
    auto file = read_config_file(env);
    if (!file) return fail(std::move(file).error());
    return load_store_config(env, *file, other_keys);
}

Result<StoreConfig> load_store_config(const EnvLookup& env,
                                      const std::optional<ConfigFileText>& file,
                                      OtherKeys other_keys) {
    StoreConfig config;
    if (file) {
        auto applied = apply_config_file(config, file->text, file->path, other_keys);
        if (!applied) return applied;
        config = *applied;
    }
    return apply_environment(config, env);
}

}  // namespace pat::cred
