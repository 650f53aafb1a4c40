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
    switch (config.store) {
        case cred::StoreKind::secret_service:
            return make_secret_service_store(secret_service_options(config));
        case cred::StoreKind::keyring:
            return make_keyring_store(config);
        case cred::StoreKind::automatic:
            break;
    }
    // choose_store's rule, on one bus connection: the one that asks whether
    // the Secret Service is there is also the store's.
    const auto bus = env("DBUS_SESSION_BUS_ADDRESS");
    if (bus && !bus->empty()) {
        if (auto store = make_secret_service_store_if_available(secret_service_options(config)))
            return store;
    }
    return make_keyring_store(config);
}

std::unique_ptr<cred::CredentialStore> make_keyring_store(const cred::StoreConfig& config,
                                                          std::chrono::seconds timeout) {
    return make_kernel_keyring_store(KeyringOptions{config.keyring, timeout});
}

}  // namespace pat::platform
