#include "helper/lifecycle/pat_store.hpp"

#include <ostream>

#include "common/log.hpp"
#include "common/terminal_text.hpp"
#include "helper/state/token_metadata.hpp"

namespace pat::helper {
namespace {

using tokenclient::ServiceKind;
using tokenclient::TokenInfo;
using tokenclient::TokenState;

// Why `get` dropped a credential, as the end of "the token for R …".
std::string why_dropped(const TokenInfo& info, bool past_expiry) {
    if (past_expiry) return "expired";
    switch (info.state) {
        case TokenState::inactive:
            return "was deactivated";
        case TokenState::deleted:
            return "was deleted";
        case TokenState::expired:
            return "expired";
        default:
            return "is no longer accepted by the token service";
    }
}

// One line for a credential the service refuses at `store`.
cred::Error refused(const std::string& key, const TokenInfo& info) {
    std::string why = info.reason.empty() ? std::string(to_string(info.state)) : info.reason;
    return {cred::Errc::service_unauthorized,
            "the token service refused the credentials for " + key + ": " + why};
}

// One notice line in one write (stderr is unbuffered: no torn lines). It
// quotes keys and service replies: terminal controls are made visible.
void say(std::ostream& out, const std::string& line) {
    const std::string text = terminal_safe(line) + '\n';
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
}

// A state file problem: shown when the file is not safe to use (someone
// may have planted it), else only logged; never fatal for a credential.
void state_problem(std::ostream& out, std::string_view what, const cred::Error& error) {
    if (error.code == cred::Errc::unsafe_file) {
        say_warning(out, error.message);
    } else {
        log::debug(std::string(what) + ": " + error.message);
    }
}

// Stores `source` with `info` as its metadata (store_with_token_info); a
// verdict about the key's previous secret no longer applies.
cred::Result<void> keep(PatStoreDeps& deps, const cred::Credentials& source, TokenInfo info) {
    if (auto added = store_with_token_info(deps.inner, source, std::move(info)); !added)
        return added;
    if (auto dropped = deps.verdicts.put(source.server_url, std::nullopt); !dropped) {
        state_problem(deps.warnings, "verdict cache", dropped.error());
    }
    return {};
}

}  // namespace

void say_warning(std::ostream& out, std::string_view message) {
    say(out, "docker-credential-pat: warning: " + std::string(message));
}

PatAwareStore::PatAwareStore(PatStoreDeps deps) : m_deps(std::move(deps)) {}

cred::Result<void> PatAwareStore::add(const cred::Credentials& credentials) {
    if (is_internal_key(credentials.server_url)) return m_deps.inner.add(credentials);
    const std::string& key = credentials.server_url;
    // An identity token (username "<token>") is an OAuth refresh token the
    // CLI trades at the token endpoint: a Basic probe cannot judge it, so it
    // is stored unchecked, and the flush leaves it alone (kind none, checked).
    // No service answered, so the helper dates it itself.
    if (credentials.username == k_identity_token_username) {
        TokenInfo info;
        info.reason = "identity token: not checked";
        date_by_helper(info, m_deps.clock);
        return keep(m_deps, credentials, std::move(info));
    }
    auto checked = m_deps.service.validate(key, credentials.username, credentials.secret,
                                           tokenclient::k_new_secret);

    TokenInfo info;
    const cred::Credentials* to_store = &credentials;
    cred::Credentials exchanged;
    if (!checked) {
        // Store anyway: the login already worked against the registry.
        say(m_deps.warnings, "docker-credential-pat: warning: could not check the token for " +
                                 key + " (" + checked.error().message + "); stored it unchecked");
        info.reason = "not checked: " + checked.error().message;
        // The service it was meant for: later checks go there, and only
        // there (a later DOCKER_CREDENTIAL_PAT_BACKEND does not apply).
        info.service_url = m_deps.service.configured_service(key);
    } else if (!tokenclient::is_revoked(checked->state)) {
        // Active, or kind none (no service): dated by the service's answer,
        // so the flush leaves a kind-none item alone.
        info = std::move(checked).value();
    } else if (checked->kind == ServiceKind::patd && checked->state == TokenState::invalid &&
               m_deps.exchange_passwords) {
        // Not a token patd knows: a password. Exchange it for an
        // auto-generated PAT and keep only the PAT.
        auto created =
            m_deps.service.exchange_password(key, credentials.username, credentials.secret);
        if (!created) return fail(std::move(created).error());
        info = std::move(created->info);  // dated by the exchange
        exchanged.server_url = key;
        exchanged.username = credentials.username;
        exchanged.secret = std::move(created->token);
        exchanged.metadata = credentials.metadata;
        to_store = &exchanged;
    } else if (checked->kind == ServiceKind::patd && checked->state == TokenState::invalid) {
        // exchange_passwords off: keep the password as it is. Kind none with
        // a check time: the flush must not judge it as a (bad) token.
        info.reason = "not a personal access token (password exchange is off)";
        info.checked_at = checked->checked_at;
    } else {
        return fail(refused(key, *checked));
    }

    return keep(m_deps, *to_store, std::move(info));
}

cred::Result<cred::Credentials> PatAwareStore::get(std::string_view server_url) {
    auto found = m_deps.inner.get(server_url);
    if (!found || is_internal_key(server_url)) return found;
    const std::string key(server_url);
    const auto now = m_deps.clock.now();

    TokenInfo info = helper::from_metadata(found->metadata);
    if (!info.generation.empty()) {
        auto verdict = m_deps.verdicts.find(key, info.generation);
        if (!verdict) {
            state_problem(m_deps.warnings, "verdict cache", verdict.error());
        } else if (*verdict) {
            info = std::move(**verdict);
        }
    }
    const bool past_expiry = tokenclient::is_past_expiry(info, now);
    if (tokenclient::is_revoked(info.state) || past_expiry) {
        if (auto erased = erase(key); !erased && erased.error().code != cred::Errc::not_found) {
            return fail(std::move(erased).error());
        }
        say(m_deps.warnings, "docker-credential-pat: the token for " + key + ' ' +
                                 why_dropped(info, past_expiry) + "; log in again (docker login " +
                                 key + ")");
        return fail(cred::not_found());
    }
    if (auto appended = m_deps.spool.append(key, now); !appended) {
        state_problem(m_deps.warnings, "usage spool", appended.error());
    }
    if (m_deps.request_flush) m_deps.request_flush();
    return found;
}

cred::Result<void> PatAwareStore::erase(std::string_view server_url) {
    auto erased = m_deps.inner.erase(server_url);
    // Not found still drops the state files: nothing may outlive the item.
    if (!erased && erased.error().code != cred::Errc::not_found) return erased;
    if (is_internal_key(server_url)) return erased;
    // The keychain item is gone; stale state files only cost a little space.
    const std::string key(server_url);
    if (auto dropped = m_deps.verdicts.put(key, std::nullopt); !dropped) {
        log::debug("verdict cache: " + dropped.error().message);
    }
    if (auto dropped = m_deps.spool.remove_key(key); !dropped) {
        log::debug("usage spool: " + dropped.error().message);
    }
    return erased;
}

cred::Result<std::map<std::string, std::string>> PatAwareStore::list() {
    auto entries = m_deps.inner.list();
    if (!entries) return entries;
    std::erase_if(*entries, [](const auto& entry) { return is_internal_key(entry.first); });
    return entries;
}

}  // namespace pat::helper
