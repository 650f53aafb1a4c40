// The platform seam (credentials/native_keychain.hpp) on Linux: the Secret
// Service over the session bus, and the kernel keyring, which is also the
// expiring store of `ci login` (key time-outs).
#include "credentials/native_keychain.hpp"

#include "linux/kernel_keyring_store.hpp"
#include "linux/secret_service_store.hpp"
#include "linux/store_factory.hpp"

namespace pat::cred {
namespace {

using platform::ChosenStore;

bool has_session_bus(const EnvLookup& env) {
    const auto bus = env("DBUS_SESSION_BUS_ADDRESS");
    return bus && !bus->empty();
}

std::string parent_name(const StoreConfig& config) {
    return config.keyring == KeyringParent::user ? "user" : "session";
}

std::string store_reason(const StoreConfig& config, const EnvLookup& env, ChosenStore chosen) {
    if (config.store != StoreKind::automatic) {
        return env(k_env_store).value_or("").empty() ? "set by the config file"
                                                     : "set by " + std::string(k_env_store);
    }
    if (!has_session_bus(env)) return "auto: no session bus (DBUS_SESSION_BUS_ADDRESS is unset)";
    return chosen == ChosenStore::secret_service ? "auto: the session bus has a Secret Service"
                                                 : "auto: the session bus has no Secret Service";
}

void check_secret_service(const StoreConfig& config, const EnvLookup& env, ChosenStore chosen,
                          std::vector<CheckFinding>& out) {
    if (!has_session_bus(env)) {
        out.push_back(
            {"d-bus", chosen == ChosenStore::secret_service ? CheckStatus::fail : CheckStatus::info,
             "no session bus (DBUS_SESSION_BUS_ADDRESS is unset)",
             "for the Secret Service, run inside a desktop session or dbus-run-session"});
        return;
    }
    platform::SecretServiceOptions options;
    options.call_timeout = config.timeout;
    if (!platform::secret_service_available(options)) {
        out.push_back(
            {"secret service",
             chosen == ChosenStore::secret_service ? CheckStatus::fail : CheckStatus::warn,
             "the session bus has no org.freedesktop.secrets",
             "start gnome-keyring-daemon (or KeePassXC's Secret Service), or use "
             "DOCKER_CREDENTIAL_PAT_STORE=keyring"});
        return;
    }
    auto listed = platform::make_secret_service_store(options)->list();
    if (listed) {
        out.push_back({"secret service", CheckStatus::ok,
                       "reachable, unlocked, " + std::to_string(listed->size()) + " item(s)", ""});
    } else if (listed.error().code == Errc::keychain_locked) {
        out.push_back({"secret service", CheckStatus::warn, "locked: " + listed.error().message,
                       "unlock the login keyring (desktop login, seahorse, or "
                       "gnome-keyring-daemon --unlock)"});
    } else {
        out.push_back({"secret service", CheckStatus::fail, listed.error().message,
                       "check the keyring daemon, or use DOCKER_CREDENTIAL_PAT_STORE=keyring"});
    }
}

void check_kernel_keyring(const StoreConfig& config, ChosenStore chosen,
                          std::vector<CheckFinding>& out) {
    const std::string parent = parent_name(config);
    if (auto why = platform::kernel_keyring_unavailable_reason()) {
        out.push_back({"kernel keyring",
                       chosen == ChosenStore::keyring ? CheckStatus::fail : CheckStatus::warn, *why,
                       "allow the keyctl/add_key syscalls (containers: a seccomp profile that "
                       "permits them)"});
        return;
    }
    auto listed =
        platform::make_kernel_keyring_store(platform::KeyringOptions{config.keyring})->list();
    if (listed) {
        out.push_back(
            {"kernel keyring", CheckStatus::ok,
             "usable (" + parent + " keyring), " + std::to_string(listed->size()) + " item(s)",
             ""});
    } else {
        out.push_back({"kernel keyring", CheckStatus::fail, listed.error().message,
                       "see the message; `keyctl show @" +
                           std::string(parent == "user" ? "u" : "s") + "` shows the keyrings"});
    }
}

}  // namespace

std::unique_ptr<CredentialStore> make_native_store(const StoreConfig& config,
                                                   const EnvLookup& env) {
    return platform::make_store(config, env);
}

std::unique_ptr<CredentialStore> make_expiring_store(const StoreConfig& config,
                                                     std::chrono::seconds ttl) {
    return platform::make_keyring_store(config, ttl);
}

std::string expiring_store_name(const StoreConfig& config) {
    return "kernel keyring (" + parent_name(config) + ")";
}

std::optional<std::string> expiring_store_unseen_warning(const StoreConfig& config,
                                                         const EnvLookup& env) {
    if (platform::choose_store(config, env) == ChosenStore::keyring) return std::nullopt;
    return "the helper is configured to use the Secret Service here, so docker will not find "
           "this token; set DOCKER_CREDENTIAL_PAT_STORE=keyring";
}

std::vector<CheckFinding> check_keychains(const StoreConfig& config, const EnvLookup& env) {
    std::vector<CheckFinding> out;
    const auto chosen = platform::choose_store(config, env);
    out.push_back(
        {"store", CheckStatus::ok,
         (chosen == ChosenStore::secret_service ? std::string("secretservice")
                                                : "keyring (" + parent_name(config) + ")") +
             " — " + store_reason(config, env, chosen),
         ""});
    check_secret_service(config, env, chosen, out);
    check_kernel_keyring(config, chosen, out);
    return out;
}

}  // namespace pat::cred
