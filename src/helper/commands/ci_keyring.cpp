#include "helper/commands/ci_keyring.hpp"

#include "credentials/native_keychain.hpp"

namespace pat::helper::cmd {

std::string ci_state_path(const HelperConfig& config) {
    return config.paths.state_dir + "/ci.json";
}

std::unique_ptr<cred::CredentialStore> keyring_store(const cred::StoreConfig& store_config,
                                                     std::chrono::seconds ttl) {
    return cred::make_expiring_store(store_config, ttl);
}

std::string keyring_name(const cred::StoreConfig& c) {
    return cred::expiring_store_name(c);
}

}  // namespace pat::helper::cmd
