#include "credentials/store_config.hpp"

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
constexpr std::size_t k_max_config_bytes = 64 * 1024;

Result<StoreKind> parse_store(std::string_view v) {
    if (v == "auto") return StoreKind::automatic;
    if (v == "secretservice") return StoreKind::secret_service;
    if (v == "keyring") return StoreKind::keyring;
    return fail(Error{Errc::bad_input, "expected auto, secretservice or keyring"});
}

Result<KeyringParent> parse_keyring(std::string_view v) {
    if (v == "user") return KeyringParent::user;
    if (v == "session") return KeyringParent::session;
    return fail(Error{Errc::bad_input, "expected user or session"});
}

Result<std::chrono::milliseconds> parse_timeout(long long ms) {
    if (ms < 1 || ms > k_max_timeout_ms) {
        return fail(Error{Errc::bad_input, "expected a whole number of milliseconds from 1 to " +
                                               std::to_string(k_max_timeout_ms)});
    }
    return std::chrono::milliseconds(ms);
}

Result<std::chrono::milliseconds> parse_timeout_text(std::string_view v) {
    long long ms = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size()) ms = -1;
    return parse_timeout(ms);
}

Error bad_value(std::string_view where, std::string_view value, const Error& why) {
    return {Errc::bad_input, "invalid " + std::string(where) + " value \"" + std::string(value) +
                                 "\": " + why.message};
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

Result<StoreConfig> apply_config_file(StoreConfig config, std::string_view text,
                                      std::string_view path) {
    const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail(bad_file(path, "not valid JSON"));
    if (!doc.is_object()) return fail(bad_file(path, "expected a JSON object"));
    for (const auto& [key, value] : doc.items()) {
        if (key == "store" || key == "keyring") {
            if (!value.is_string()) return fail(bad_file(path, "\"" + key + "\" must be a string"));
            const auto& text_value = value.get_ref<const std::string&>();
            Error why{};
            if (key == "store") {
                auto kind = parse_store(text_value);
                if (kind)
                    config.store = *kind;
                else
                    why = kind.error();
            } else {
                auto parent = parse_keyring(text_value);
                if (parent)
                    config.keyring = *parent;
                else
                    why = parent.error();
            }
            if (!why.message.empty()) {
                return fail(
                    bad_file(path, "\"" + key + "\": \"" + text_value + "\": " + why.message));
            }
        } else if (key == "timeout_ms") {
            auto timeout = parse_timeout(value.is_number_integer() ? value.get<long long>() : -1);
            if (!timeout) return fail(bad_file(path, "\"timeout_ms\": " + timeout.error().message));
            config.timeout = *timeout;
        } else {
            return fail(bad_file(
                path, "unknown setting \"" + key + "\" (known: store, keyring, timeout_ms)"));
        }
    }
    return config;
}

Result<StoreConfig> apply_environment(StoreConfig config, const EnvLookup& env) {
    auto value_of = [&](std::string_view name) {
        auto v = env(name);
        return v && !v->empty() ? v : std::nullopt;
    };
    if (auto v = value_of(k_env_store)) {
        auto kind = parse_store(*v);
        if (!kind) return fail(bad_value(k_env_store, *v, kind.error()));
        config.store = *kind;
    }
    if (auto v = value_of(k_env_keyring)) {
        auto parent = parse_keyring(*v);
        if (!parent) return fail(bad_value(k_env_keyring, *v, parent.error()));
        config.keyring = *parent;
    }
    if (auto v = value_of(k_env_timeout)) {
        auto timeout = parse_timeout_text(*v);
        if (!timeout) return fail(bad_value(k_env_timeout, *v, timeout.error()));
        config.timeout = *timeout;
    }
    return config;
}

Result<StoreConfig> load_store_config(const EnvLookup& env) {
    StoreConfig config;
    if (auto path = config_file_path(env)) {
        std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path->c_str(), "rb"));
        if (!file && errno != ENOENT && errno != ENOTDIR) {
            return fail(Error{Errc::bad_input,
                              "cannot read config file " + *path + ": " + std::strerror(errno)});
        }
        if (file) {
            std::string text(k_max_config_bytes + 1, '\0');
            text.resize(std::fread(text.data(), 1, text.size(), file.get()));
            if (text.size() > k_max_config_bytes)
                return fail(bad_file(*path, "larger than 64 KiB"));
            auto applied = apply_config_file(config, text, *path);
            if (!applied) return applied;
            config = *applied;
        }
    }
    return apply_environment(config, env);
}

}  // namespace pat::cred
