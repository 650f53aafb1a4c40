#pragma once
// Signing in to patd for the `tokens` commands: a password login, with the
// TOTP step when the account has 2FA. The password comes from
// --password-stdin or a prompt on the terminal, never from argv; the code
// from --otp or a prompt. The session JWT is cached in the keychain as an
// internal item `docker-credential-pat:session:<service URL>` (username =
// the account, metadata pat_expires_at) until it expires, so the next
// command does not ask again.
//
// A PAT can never sign in for token management: patd turns a PAT login into
// a "PAT session" that its admin routes refuse with 403; that answer becomes
// a message saying a password is needed and why.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/secret.hpp"
#include "credentials/credential_store.hpp"
#include "helper/commands/commands.hpp"
#include "tokenclient/patd_client.hpp"

namespace pat::helper::cmd {

struct SignInOptions {
    std::optional<std::string> username;  // --username, else the stored credential's
    std::string registry;                 // where to look for a stored username
    bool password_stdin = false;
    std::optional<std::string> otp;  // --otp (a one-time code may be in argv)
    bool use_cache = true;           // --no-session-cache turns it off
};

inline constexpr std::string_view k_pat_session_message =
    "patd refused to manage tokens with a session opened by a personal access token; "
    "sign in with the account password (a token must never be able to create or revoke "
    "tokens)";

class AdminSession {
  public:
    AdminSession(tokenclient::PatdClient& client, cred::CredentialStore* store,
                 SignInOptions options, CommandContext& ctx);

    // Runs `call` with a session: the cached one when valid, else a fresh
    // sign-in (cached on success). A cached session the service no longer
    // accepts (401) is dropped and the call retried once after signing in.
    // 403 (a PAT session) drops the cache and becomes k_pat_session_message.
    template <class T>
    cred::Result<T> run(const std::function<cred::Result<T>(const Secret&)>& call);

    const std::string& username() const { return m_username; }

  private:
    cred::Result<void> ensure_session();
    cred::Result<void> sign_in();
    void drop_cache();
    std::string cache_key() const;

    tokenclient::PatdClient& m_client;
    cred::CredentialStore* m_store;  // may be null: no cache, no stored username
    SignInOptions m_options;
    CommandContext& m_ctx;
    std::string m_username;
    std::optional<Secret> m_session;
    bool m_from_cache = false;  // m_session came from the keychain (may be stale)
    bool m_cached = false;      // the keychain holds m_session's item
};

// The `exp` claim of a JWT (unverified: only used to know how long to
// cache it); nullopt when it has none or does not parse.
std::optional<std::chrono::system_clock::time_point> jwt_expiry(std::string_view jwt);

template <class T>
cred::Result<T> AdminSession::run(const std::function<cred::Result<T>(const Secret&)>& call) {
    if (auto ok = ensure_session(); !ok) return fail(std::move(ok).error());
    auto result = call(*m_session);
    if (!result && result.error().code == cred::Errc::service_unauthorized && m_from_cache) {
        drop_cache();
        if (auto ok = sign_in(); !ok) return fail(std::move(ok).error());
        result = call(*m_session);
    }
    if (!result && result.error().code == cred::Errc::service_forbidden) {
        drop_cache();
        return fail(cred::Error{cred::Errc::service_forbidden, std::string(k_pat_session_message)});
    }
    return result;
}

}  // namespace pat::helper::cmd
