#include "helper/lifecycle/helper_config.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "credentials/input_text.hpp"

namespace pat::helper {
namespace {

constexpr long long k_max_flush_interval_s = 86400;
constexpr long long k_max_validate_ms = 60000;

cred::Error bad_env(std::string_view name, std::string_view value, std::string_view expected) {
    return {cred::Errc::bad_input, "invalid " + std::string(name) + " value \"" +
                                       std::string(value) + "\": " + std::string(expected)};
}

cred::Error bad_file(std::string_view path, std::string_view why) {
    return {cred::Errc::bad_input,
            "invalid config file " + std::string(path) + ": " + std::string(why)};
}

std::optional<bool> parse_bool(std::string_view v) {
    if (v == "1" || v == "true") return true;
    if (v == "0" || v == "false") return false;
    return std::nullopt;
}

std::optional<long long> parse_int(std::string_view v, long long lo, long long hi) {
    long long n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) return std::nullopt;
    return n;
}

bool is_http_url(std::string_view v) {
    const bool http = v.rfind("http://", 0) == 0 && v.size() > 7;
    const bool https = v.rfind("https://", 0) == 0 && v.size() > 8;
    // Clean text too (docs/inputs.md): no control characters, strict UTF-8.
    return (http || https) && v.find_first_of(" \t\r\n") == std::string_view::npos &&
           !cred::text_problem(v);
}

constexpr std::string_view k_expect_bool = "expected true or false";
constexpr std::string_view k_expect_interval = "expected a whole number of seconds from 0 to 86400";
constexpr std::string_view k_expect_ms = "expected a whole number of milliseconds from 1 to 60000";
constexpr std::string_view k_expect_url = "expected an http:// or https:// URL";
constexpr std::string_view k_expect_backend =
    "expected an http:// or https:// URL, or REGISTRY=URL[,REGISTRY=URL...]";

// DOCKER_CREDENTIAL_PAT_BACKEND: one URL for every registry, or
// REGISTRY=URL pairs separated by commas for those registries only.
bool parse_backend(std::string_view v, tokenclient::LocatorOptions& locator) {
    if (is_http_url(v)) {
        locator.backend_url = std::string(v);
        return true;
    }
    std::map<std::string, std::string> services;
    while (true) {
        const auto comma = v.find(',');
        const std::string_view pair = v.substr(0, comma);
        const auto eq = pair.find('=');
        if (eq == 0 || eq == std::string_view::npos || !is_http_url(pair.substr(eq + 1)) ||
            cred::text_problem(pair.substr(0, eq))) {
            return false;
        }
        services[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    locator.backend_services = std::move(services);
    return true;
}

// The token-service keys of config.json (k_helper_config_keys); the store
// keys are checked by cred::apply_config_file, which also rejects unknown keys.
cred::Result<void> apply_file(HelperConfig& config, std::string_view text, std::string_view path) {
    const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return {};  // reported by the store settings
    if (auto it = doc.find("services"); it != doc.end()) {
        if (!it->is_object()) return fail(bad_file(path, "\"services\": expected an object"));
        for (const auto& [key, url] : it->items()) {
            // A registry key here must be the key docker sends (docs/inputs.md).
            if (auto problem = cred::text_problem(key)) {
                return fail(bad_file(
                    path, "\"services\" key " + nlohmann::json(key).dump() + ": " + *problem));
            }
            if (!url.is_string() || !is_http_url(url.get<std::string>())) {
                return fail(bad_file(path, "\"services\" entry \"" + key + "\": " + url.dump() +
                                               ": " + std::string(k_expect_url)));
            }
            config.locator.services[key] = url.get<std::string>();
        }
    }
    if (auto it = doc.find("exchange_passwords"); it != doc.end()) {
        if (!it->is_boolean()) {
            return fail(bad_file(
                path, "\"exchange_passwords\": " + it->dump() + ": " + std::string(k_expect_bool)));
        }
        config.exchange_passwords = it->get<bool>();
    }
    if (auto it = doc.find("flush_interval_s"); it != doc.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 0 ||
            it->get<long long>() > k_max_flush_interval_s) {
            return fail(bad_file(path, "\"flush_interval_s\": " + it->dump() + ": " +
                                           std::string(k_expect_interval)));
        }
        config.flush_interval = std::chrono::seconds(it->get<long long>());
    }
    if (auto it = doc.find("validate_timeout_ms"); it != doc.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 1 ||
            it->get<long long>() > k_max_validate_ms) {
            return fail(bad_file(
                path, "\"validate_timeout_ms\": " + it->dump() + ": " + std::string(k_expect_ms)));
        }
        config.locator.deadline = std::chrono::milliseconds(it->get<long long>());
    }
    return {};
}

cred::Result<void> apply_env(HelperConfig& config, const cred::EnvLookup& env) {
    const auto value = [&](std::string_view name) {
        auto v = env(name);
        return v && !v->empty() ? v : std::nullopt;
    };
    if (auto v = value(tokenclient::k_env_backend)) {
        if (!parse_backend(*v, config.locator))
            return fail(bad_env(tokenclient::k_env_backend, *v, k_expect_backend));
    }
    if (auto v = value(k_env_exchange)) {
        const auto b = parse_bool(*v);
        if (!b) return fail(bad_env(k_env_exchange, *v, "expected 1, 0, true or false"));
        config.exchange_passwords = *b;
    }
    if (auto v = value(k_env_flush_interval)) {
        const auto n = parse_int(*v, 0, k_max_flush_interval_s);
        if (!n) return fail(bad_env(k_env_flush_interval, *v, k_expect_interval));
        config.flush_interval = std::chrono::seconds(*n);
    }
    if (auto v = value(k_env_validate_ms)) {
        const auto n = parse_int(*v, 1, k_max_validate_ms);
        if (!n) return fail(bad_env(k_env_validate_ms, *v, k_expect_ms));
        config.locator.deadline = std::chrono::milliseconds(*n);
    }
    if (auto v = value(k_env_offline)) {
        const auto b = parse_bool(*v);
        if (!b) return fail(bad_env(k_env_offline, *v, "expected 1, 0, true or false"));
        config.offline = *b;
    }
    return {};
}

}  // namespace

cred::Result<HelperConfig> load_helper_config(const cred::EnvLookup& env) {
    auto file = cred::read_config_file(env);
    if (!file) return fail(std::move(file).error());
    return load_helper_config(env, *file);
}

cred::Result<HelperConfig> load_helper_config(const cred::EnvLookup& env,
                                              const std::optional<cred::ConfigFileText>& file) {
    HelperConfig config;
    if (file) {
        if (auto applied = apply_file(config, file->text, file->path); !applied) {
            return fail(std::move(applied).error());
        }
    }
    if (auto applied = apply_env(config, env); !applied) return fail(std::move(applied).error());
    if (auto paths = state_paths(env)) {
        config.paths = *paths;
        config.locator.cache_path = paths->services_cache();
    }
    return config;
}

SettingsResults load_each_setting(const cred::EnvLookup& env) {
    auto file = cred::read_config_file(env);
    if (!file) return {fail(file.error()), fail(file.error())};
    return {load_helper_config(env, *file),
            cred::load_store_config(env, *file, k_helper_config_keys)};
}

cred::Result<Settings> load_settings(const cred::EnvLookup& env) {
    auto each = load_each_setting(env);
    if (!each.helper) return fail(std::move(each.helper).error());
    if (!each.store) return fail(std::move(each.store).error());
    return Settings{std::move(each.helper).value(), std::move(each.store).value()};
}

}  // namespace pat::helper
