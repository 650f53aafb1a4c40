#include "credentials/account_store.hpp"

#include "common/percent.hpp"

namespace pat::cred {
namespace {

// Lower-case letters, digits and "-._~" as they are, every other byte as
// %XX (upper-case hex): so two usernames that differ only in case get two
// keys even in a keychain whose names ignore case (the Windows Credential
// Manager's target names), and no escape can be mistaken for text.
bool kept_in_account_key(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

bool is_own_key(std::string_view key) {
    return key.starts_with(k_own_key_prefix);
}

// Errors that say nothing about what is stored: the keychain could not be
// asked. Any other failure to read the selected account (an item we cannot
// parse) lets add() replace it, as a single-account store does.
bool keychain_unavailable(Errc code) {
    switch (code) {
        case Errc::keychain_locked:
        case Errc::no_session_bus:
        case Errc::no_provider:
        case Errc::no_default_collection:
        case Errc::timeout:
        case Errc::provider_vanished:
            return true;
        default:
            return false;
    }
}

// The account `username` keeps under its account key: not_found unless the
// item holds exactly that username (a keychain that ignores case in names
// could answer another's).
Result<Credentials> read_account(CredentialStore& inner, std::string_view server,
                                 std::string_view username) {
    auto found = inner.get(account_key(server, username));
    if (found && found->username != username) return fail(not_found());
    return found;
}

Error no_such_account(std::string_view server, std::string_view username) {
    return {Errc::bad_input, "no account '" + std::string(username) + "' is stored for " +
                                 std::string(server) +
                                 " (docker-credential-pat accounts list shows them)"};
}

// Keeps `account` (read from the plain key) under its account key.
Result<void> park(CredentialStore& inner, const Credentials& account) {
    return inner.add(Credentials{account_key(account.server_url, account.username),
                                 account.username, account.secret.clone(), account.metadata});
}

// Best effort: a leftover copy of an account under its account key is
// harmless (the plain key wins, and the next move of that account replaces it).
void drop_copy(CredentialStore& inner, std::string_view server, std::string_view username) {
    (void)inner.erase(account_key(server, username));
}

// Puts `account` under the plain key `server` as its selected account,
// parking the one selected there before (`current`, if any).
Result<void> promote(CredentialStore& inner, std::string_view server, const Credentials& account,
                     const std::optional<Credentials>& current) {
    const bool parked = current && current->username != account.username;
    if (parked) {
        if (auto kept = park(inner, *current); !kept) return kept;  // nothing changed
    }
    Credentials selected{std::string(server), account.username, account.secret.clone(),
                         account.metadata};
    if (auto added = inner.add(selected); !added) {
        if (parked) drop_copy(inner, server, current->username);  // it is still selected
        return added;
    }
    drop_copy(inner, server, account.username);
    return {};
}

}  // namespace

std::string account_key(std::string_view server, std::string_view username) {
    return std::string(k_account_key_prefix) + percent_encode(username, kept_in_account_key) + ':' +
           std::string(server);
}

std::optional<AccountKey> parse_account_key(std::string_view key) {
    if (!key.starts_with(k_account_key_prefix)) return std::nullopt;
    key.remove_prefix(k_account_key_prefix.size());
    const auto colon = key.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == key.size()) {
        return std::nullopt;
    }
    auto username = percent_decode(key.substr(0, colon));
    if (!username) return std::nullopt;
    return AccountKey{std::string(key.substr(colon + 1)), std::move(*username)};
}

AccountStore::AccountStore(std::unique_ptr<CredentialStore> inner,
                           std::optional<std::string> override_username)
    : m_inner(std::move(inner)), m_override(std::move(override_username)) {}

Result<void> AccountStore::add(const Credentials& credentials) {
    if (is_own_key(credentials.server_url)) return m_inner->add(credentials);
    auto current = m_inner->get(credentials.server_url);
    if (!current && keychain_unavailable(current.error().code)) {
        return fail(std::move(current).error());
    }
    if (current && m_override && credentials.username == *m_override &&
        current->username != credentials.username) {
        // The override's account is refreshed where it is: one process's
        // choice never changes the registry's selection.
        const std::string parked = account_key(credentials.server_url, credentials.username);
        auto existing = read_account(*m_inner, credentials.server_url, credentials.username);
        if (existing) {
            return m_inner->add(Credentials{parked, credentials.username,
                                            credentials.secret.clone(), credentials.metadata});
        }
        if (existing.error().code != Errc::not_found) return fail(std::move(existing).error());
    }
    std::optional<Credentials> selected;
    if (current) selected = std::move(current).value();
    return promote(*m_inner, credentials.server_url, credentials, selected);
}

Result<Credentials> AccountStore::get(std::string_view server_url) {
    if (is_own_key(server_url) || !m_override) return m_inner->get(server_url);
    auto plain = m_inner->get(server_url);
    if (plain && plain->username == *m_override) return plain;
    if (!plain && plain.error().code != Errc::not_found) return plain;
    auto chosen = read_account(*m_inner, server_url, *m_override);
    if (chosen) {
        chosen->server_url = std::string(server_url);
        return chosen;
    }
    if (chosen.error().code != Errc::not_found) return chosen;
    return plain;  // the registry has no such account: its selected one
}

Result<void> AccountStore::erase(std::string_view server_url) {
    if (is_own_key(server_url)) return m_inner->erase(server_url);
    auto selected = selected_username(server_url);
    if (m_override && selected && *selected != m_override) {
        // get answered the override's account if the registry has it.
        auto parked = read_account(*m_inner, server_url, *m_override);
        if (parked) return m_inner->erase(account_key(server_url, *m_override));
        if (parked.error().code != Errc::not_found) return fail(std::move(parked).error());
    }
    auto erased = m_inner->erase(server_url);
    if (erased && selected && *selected) drop_copy(*m_inner, server_url, **selected);
    return erased;
}

Result<std::map<std::string, std::string>> AccountStore::list() {
    auto entries = m_inner->list();
    if (!entries) return entries;
    std::map<std::string, std::string> out;
    std::map<std::string, std::string> overridden;
    for (auto& [key, username] : *entries) {
        if (!key.starts_with(k_account_key_prefix)) {
            out.emplace(key, std::move(username));
        } else if (auto parsed = parse_account_key(key);
                   parsed && m_override && parsed->username == *m_override) {
            overridden.insert_or_assign(parsed->server, parsed->username);
        }
    }
    for (auto& [server, username] : overridden) out.insert_or_assign(server, std::move(username));
    return out;
}

Result<std::map<std::string, std::vector<Account>>> AccountStore::accounts() {
    auto entries = m_inner->list();
    if (!entries) return fail(std::move(entries).error());
    std::map<std::string, std::map<std::string, Account>> by_server;
    for (const auto& [key, username] : *entries) {
        if (auto parsed = parse_account_key(key)) {
            by_server[parsed->server].try_emplace(parsed->username,
                                                  Account{parsed->username, false, false});
        } else if (!is_own_key(key)) {
            by_server[key].insert_or_assign(username, Account{username, true, false});
        }
    }
    std::map<std::string, std::vector<Account>> out;
    for (auto& [server, accounts] : by_server) {
        auto in_use = m_override ? accounts.find(*m_override) : accounts.end();
        for (auto& [name, account] : accounts) {
            account.in_use =
                in_use != accounts.end() ? &account == &in_use->second : account.selected;
            out[server].push_back(std::move(account));
        }
    }
    return out;
}

Result<void> AccountStore::select(std::string_view server, std::string_view username) {
    if (is_own_key(server)) return fail(no_such_account(server, username));
    auto current = m_inner->get(server);
    if (!current && current.error().code != Errc::not_found) {
        return fail(std::move(current).error());
    }
    if (current && current->username == username) {
        drop_copy(*m_inner, server, username);
        return {};
    }
    auto chosen = read_account(*m_inner, server, username);
    if (!chosen && chosen.error().code == Errc::not_found) {
        return fail(no_such_account(server, username));
    }
    if (!chosen) return fail(std::move(chosen).error());
    std::optional<Credentials> selected;
    if (current) selected = std::move(current).value();
    return promote(*m_inner, server, *chosen, selected);
}

Result<void> AccountStore::remove(std::string_view server, std::string_view username) {
    if (is_own_key(server)) return fail(no_such_account(server, username));
    auto selected = selected_username(server);
    if (!selected) return fail(std::move(selected).error());
    if (*selected == username) {
        auto erased = m_inner->erase(server);
        if (erased) drop_copy(*m_inner, server, username);
        return erased;
    }
    auto parked = read_account(*m_inner, server, username);
    if (!parked && parked.error().code == Errc::not_found) {
        return fail(no_such_account(server, username));
    }
    if (!parked) return fail(std::move(parked).error());
    return m_inner->erase(account_key(server, username));
}

std::unique_ptr<AccountStore> with_accounts(std::unique_ptr<CredentialStore> native,
                                            const StoreConfig& config) {
    return std::make_unique<AccountStore>(std::move(native), config.account);
}

Result<std::optional<std::string>> AccountStore::selected_username(std::string_view server) {
    auto current = m_inner->get(server);
    if (current) return std::optional<std::string>(current->username);
    if (current.error().code == Errc::not_found) return std::optional<std::string>();
    return fail(std::move(current).error());
}

}  // namespace pat::cred
