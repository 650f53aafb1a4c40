// POST /v2/users/login, POST /v2/users/2fa-login, the console's sign-in
// (web_sessions.cpp keeps its sessions) and session verification.
#include "patd/crypto/hmac.hpp"
#include "patd/crypto/session_token.hpp"
#include "patd/crypto/totp.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
// Docker Hub's wording for a failed login.
constexpr std::string_view k_bad_login = "Incorrect authentication credentials";

std::string random_id(RandomSource& random) {
    return base64url_encode(random.bytes(12));
}

std::string issue(TokenService::Impl& s, SessionKind kind, const AccountRecord& a,
                  std::string pat_uuid) {
    SessionClaims c;
    c.kind = kind;
    c.account_id = a.id;
    c.username = a.username;
    c.pat_uuid = std::move(pat_uuid);
    c.issued_at = s.clock.now();
    c.expires_at = c.issued_at +
                   (kind == SessionKind::session ? s.options.session_ttl : s.options.login_2fa_ttl);
    c.jti = random_id(s.random);
    return sign_session(c, s.keys.session_key());
}

// The password step of a sign-in (the API's and the console's):
// authenticate_password checks and counts the attempt (per account and
// source); with 2FA on the result is require_2fa carrying the
// login_2fa_token for the second step.
SResult<AccountRecord> password_step(TokenService::Impl& s, std::string_view username,
                                     const Secret& password, const ClientInfo& client,
                                     std::string_view via) {
    auto account = s.authenticate_password(username, password.reveal(), client);
    if (!account) {
        if (account.error().code != ErrorCode::unauthorized)
            return fail(std::move(account).error());
        s.audit_failed_signin(username, client, via, "bad_credentials");
        return fail(unauthorized(std::string(k_bad_login), AuthReason::bad_credentials));
    }
    if (account->totp_enabled)
        return fail(require_2fa(issue(s, SessionKind::login_2fa, *account, "")));
    s.audit(audit_kind::signin, account->id, "account:" + account->username, "", client,
            {{"via", via}, {"method", "password"}});
    return account;
}
}  // namespace

SResult<Secret> TokenService::login(std::string_view username, const Secret& secret,
                                    const ClientInfo& client) {
    Impl& s = *m_impl;
    if (s.meant_as_pat(secret.reveal())) {
        // A PAT session: no second factor (that is what PATs are for), but
        // token management is refused later. Never rate limited: a PAT
        // cannot be guessed, and the owner's must keep working.
        auto pat = s.authenticate_pat(username, secret.reveal());
        if (!pat) {
            if (pat.error().code != ErrorCode::unauthorized) return fail(std::move(pat).error());
            return fail(s.failed_unguessable(
                unauthorized(std::string(k_bad_login), AuthReason::bad_credentials)));
        }
        s.last_used.record(pat->token.id, s.now());
        s.audit_token_use(pat->token, client, "/v2/users/login");
        s.audit(audit_kind::signin, pat->account.id, actor_of(pat->token), pat->token.uuid, client,
                {{"via", "api"}, {"method", "token"}});
        return Secret(issue(s, SessionKind::session, pat->account, pat->token.uuid));
    }
    auto account = password_step(s, username, secret, client, "api");
    if (!account) return fail(std::move(account).error());
    return Secret(issue(s, SessionKind::session, *account, ""));
}

namespace {
SResult<AccountRecord> second_step(TokenService::Impl& s, std::string_view login_2fa_token,
                                   std::string_view code, const ClientInfo& client,
                                   std::string_view via) {
    const auto claims = verify_session(login_2fa_token, SessionKind::login_2fa,
                                       s.keys.session_key(), s.clock.now());
    if (!claims)
        return fail(s.failed_unguessable(unauthorized("invalid or expired login_2fa_token",
                                                      AuthReason::two_factor_token_invalid)));
    if (auto r = s.check_attempt(client, claims->username); !r) return fail(std::move(r).error());
    auto found = s.repository->find_account_by_id(claims->account_id);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value() || !(*found)->totp_enabled)
        return fail(unauthorized("two-factor authentication is not enabled",
                                 AuthReason::two_factor_not_enabled));
    if (auto ok = s.check_second_factor(**found, code, client); !ok) {
        if (ok.error().code != ErrorCode::rate_limited)
            s.audit(audit_kind::signin_failed, (*found)->id, "account:" + (*found)->username, "",
                    client, {{"via", via}, {"reason", "second_factor"}});
        return fail(std::move(ok).error());
    }
    s.audit(audit_kind::signin, (*found)->id, "account:" + (*found)->username, "", client,
            {{"via", via}, {"method", "password+2fa"}});
    return std::move(**found);
}
}  // namespace

SResult<Secret> TokenService::login_2fa(std::string_view login_2fa_token, std::string_view code,
                                        const ClientInfo& client) {
    auto account = second_step(*m_impl, login_2fa_token, code, client, "api");
    if (!account) return fail(std::move(account).error());
    return Secret(issue(*m_impl, SessionKind::session, *account, ""));
}

SResult<WebSession> TokenService::web_login(std::string_view username, const Secret& password,
                                            const ClientInfo& client) {
    Impl& s = *m_impl;
    // Refused before it is checked: the console must not become a way to
    // test tokens, and a token can never do account work.
    if (s.meant_as_pat(password.reveal())) return fail(forbidden_pat_session());
    auto account = password_step(s, username, password, client, "console");
    if (!account) return fail(std::move(account).error());
    return s.open_web_session(account->id, client);
}

SResult<WebSession> TokenService::web_login_2fa(std::string_view login_2fa_token,
                                                std::string_view code, const ClientInfo& client) {
    auto account = second_step(*m_impl, login_2fa_token, code, client, "console");
    if (!account) return fail(std::move(account).error());
    return m_impl->open_web_session(account->id, client);
}

SResult<Principal> TokenService::authenticate_session(std::string_view bearer) {
    Impl& s = *m_impl;
    const auto claims =
        verify_session(bearer, SessionKind::session, s.keys.session_key(), s.clock.now());
    if (!claims)
        return fail(unauthorized("invalid or expired session token", AuthReason::session_invalid));
    Principal p;
    p.account_id = claims->account_id;
    p.username = claims->username;
    if (!claims->pat_uuid.empty()) {
        // A PAT session lives only as long as its PAT is usable.
        auto t = s.repository->find_token(claims->account_id, claims->pat_uuid);
        if (!t) return fail(std::move(t).error());
        if (!t->has_value() || !(*t)->is_active ||
            ((*t)->expires_at && *(*t)->expires_at <= s.now()))
            return fail(unauthorized("the token behind this session is no longer valid",
                                     AuthReason::session_revoked));
        p.is_pat_session = true;
        p.pat_uuid = claims->pat_uuid;
    }
    return p;
}

}  // namespace pat::patd
