#include "helper/commands/ci_keyring.hpp"

#include "linux/kernel_keyring_store.hpp"

namespace pat::helper::cmd {

std::string ci_state_path(const HelperConfig& config) {
    return config.paths.state_dir + "/ci.json";
}

std::unique_ptr<cred::CredentialStore> keyring_store(const cred::StoreConfig& store_config,
                                                     std::chrono::seconds ttl) {
    return platform::make_kernel_keyring_store(platform::KeyringOptions{store_config.keyring, ttl});
}

std::string keyring_name(const cred::StoreConfig& c) {
    return std::string("kernel keyring (") +
           (c.keyring == cred::KeyringParent::user ? "user" : "session") + ")";
}

}  // namespace pat::helper::cmd
