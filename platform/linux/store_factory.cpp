#include "linux/store_factory.hpp"

#include "linux/kernel_keyring_store.hpp"
#include "secret_service_store.hpp"

namespace pat::platform {
namespace {

SecretServiceOptions secret_service_options(const cred::StoreConfig& config) {
    SecretServiceOptions options;
    options.call_timeout = config.timeout;
    return options;
}

}  // namespace

ChosenStore choose_store(const cred::StoreConfig& config, const cred::EnvLookup& env) {
    switch (config.store) {
        case cred::StoreKind::secret_service:
            return ChosenStore::secret_service;
        case cred::StoreKind::keyring:
            return ChosenStore::keyring;
        case cred::StoreKind::automatic:
            break;
    }
    const auto bus = env("DBUS_SESSION_BUS_ADDRESS");
    if (!bus || bus->empty()) return ChosenStore::keyring;
    return secret_service_available(secret_service_options(config)) ? ChosenStore::secret_service
                                                                    : ChosenStore::keyring;
}

std::unique_ptr<cred::CredentialStore> make_store(const cred::StoreConfig& config,
                                                  const cred::EnvLookup& env) {
    if (choose_store(config, env) == ChosenStore::secret_service) {
        return make_secret_service_store(secret_service_options(config));
    }
    return make_keyring_store(config);
}

std::unique_ptr<cred::CredentialStore> make_keyring_store(const cred::StoreConfig& config,
                                                          std::chrono::seconds timeout) {
    return make_kernel_keyring_store(KeyringOptions{config.keyring, timeout});
}

}  // namespace pat::platform
