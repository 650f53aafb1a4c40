#pragma once
// Several accounts per registry over any CredentialStore (docs/accounts.md).
//
// The registry's selected account is the item under the plain server key,
// exactly as a single-account store (and upstream's helpers) keep it; every
// other account of that registry is an item under its account key,
// `docker-credential-pat:account:<username %-escaped>:<server key>` (all but
// a-z 0-9 -._~ escaped: names that differ in case stay apart). So the
// selection lives in the keychain itself, on every store, and cannot drift:
// there is no second record of it. Upstream's own item under the plain key
// is the selected account.
//  - add: a second username moves the selected account to its account key
//    first, then stores the new one under the plain key (the last one
//    stored is selected). Each step is one add() of the inner store, in an
//    order that leaves every account readable after a crash at any point.
//  - get / erase / list answer the selected account, or the one
//    `override_username` names when the registry has it
//    (DOCKER_CREDENTIAL_PAT_ACCOUNT, one process); add of that account
//    refreshes it where it is, without changing the selection. After erase no account of
//    the registry is selected: the others stay until `accounts use`.
//  - the helper's other own keys (`docker-credential-pat:` ...) pass through.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credentials/credential_store.hpp"
#include "credentials/store_config.hpp"

namespace pat::cred {

// Keys the helper keeps for itself start so: never a docker server key.
inline constexpr std::string_view k_own_key_prefix = "docker-credential-pat:";
inline constexpr std::string_view k_account_key_prefix = "docker-credential-pat:account:";

// The account key of `username` on `server`.
std::string account_key(std::string_view server, std::string_view username);

struct AccountKey {
    std::string server;
    std::string username;
};
// The server and username an account key names; nullopt for any other key.
std::optional<AccountKey> parse_account_key(std::string_view key);

struct Account {
    std::string username;
    bool selected = false;  // the registry's selected account in the keychain
    bool in_use = false;    // the one get answers in this process (override included)
};

class AccountStore final : public CredentialStore {
  public:
    // `override_username`: the account get/erase/list use for every registry
    // that has it (others keep their selected account).
    explicit AccountStore(std::unique_ptr<CredentialStore> inner,
                          std::optional<std::string> override_username = std::nullopt);

    Result<void> add(const Credentials& credentials) override;
    Result<Credentials> get(std::string_view server_url) override;
    Result<void> erase(std::string_view server_url) override;
    Result<std::map<std::string, std::string>> list() override;

    // Every registry's accounts, sorted by username.
    Result<std::map<std::string, std::vector<Account>>> accounts();
    // Makes `username` the selected account of `server`. bad_input when the
    // registry has no such account (nothing changed).
    Result<void> select(std::string_view server, std::string_view username);
    // Removes `username`'s account of `server` (the selected one too: then
    // none is selected). bad_input when the registry has no such account.
    Result<void> remove(std::string_view server, std::string_view username);

    CredentialStore& inner() { return *m_inner; }

  private:
    Result<std::optional<std::string>> selected_username(std::string_view server);

    std::unique_ptr<CredentialStore> m_inner;
    std::optional<std::string> m_override;
};

// `native` with several accounts per registry, the override from
// `config.account`: how the helper opens every keychain docker reads.
std::unique_ptr<AccountStore> with_accounts(std::unique_ptr<CredentialStore> native,
                                            const StoreConfig& config);

}  // namespace pat::cred
