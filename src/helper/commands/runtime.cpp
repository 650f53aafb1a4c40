#include "helper/commands/runtime.hpp"

#include "credentials/native_keychain.hpp"
#include "helper/lifecycle/pat_store.hpp"

namespace pat::helper::cmd {

std::unique_ptr<cred::CredentialStore> open_native_store(const cred::StoreConfig& config,
                                                         const cred::EnvLookup& env) {
    return open_account_store(config, env);
}

std::unique_ptr<cred::AccountStore> open_account_store(const cred::StoreConfig& config,
                                                       const cred::EnvLookup& env) {
    return cred::with_accounts(cred::make_native_store(config, env), config);
}

cred::Result<std::unique_ptr<tokenclient::PatdClient>> locate_patd(const HelperConfig& config,
                                                                   const std::string& key,
                                                                   const Clock& clock) {
    tokenclient::ServiceLocator locator(config.locator, clock);
    auto endpoint = locator.locate(key);
    if (!endpoint) return fail(std::move(endpoint).error());
    if (endpoint->kind != tokenclient::ServiceKind::patd) {
        const std::string what = endpoint->kind == tokenclient::ServiceKind::none
                                     ? "no token service was found for " + key
                                     : "the token service of " + key + " (" +
                                           endpoint->challenge.realm + ") is not patd";
        return fail(cred::Error{cred::Errc::service_rejected,
                                what + "; token management needs patd's API"});
    }
    return std::make_unique<tokenclient::PatdClient>(endpoint->patd_url, config.locator.deadline,
                                                     clock);
}

std::set<std::string> cached_session_services(cred::CredentialStore& store) {
    std::set<std::string> services;
    auto items = store.list();
    if (!items) return services;
    const std::string prefix = std::string(k_internal_key_prefix) + "session:";
    for (const auto& [key, username] : *items) {
        if (key.starts_with(prefix) && key.size() > prefix.size())
            services.insert(key.substr(prefix.size()));
    }
    return services;
}

cred::Result<void> store_patd_token(cred::CredentialStore& store, const std::string& server,
                                    const std::string& username, Secret token,
                                    tokenclient::TokenInfo info, const std::string& service_url,
                                    const Clock& clock) {
    info.state = tokenclient::TokenState::active;
    info.kind = tokenclient::ServiceKind::patd;
    info.service_url = service_url;
    info.owner = username;
    date_by_helper(info, clock);
    return store_with_token_info(store, cred::Credentials{server, username, std::move(token), {}},
                                 std::move(info));
}

}  // namespace pat::helper::cmd
