// Console (browser) sessions: a random cookie value whose keyed hash is a
// row in the database, so sign-out ends a session on the server and several
// patd instances on one PostgreSQL database share them. Idle and absolute
// lifetimes are checked on every request; last_seen is written at most once
// a minute per session.
#include "patd/crypto/hmac.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
constexpr std::size_t k_cookie_bytes = 32;
constexpr auto k_touch_every = std::chrono::seconds(60);
// A cookie value is base64url of 32 bytes: 43 characters.
constexpr std::size_t k_cookie_chars = 43;

Error signed_out() {
    return unauthorized("the console session ended; sign in again", AuthReason::session_ended);
}
}  // namespace

std::string TokenService::Impl::csrf_for(std::string_view cookie) const {
    return base64url_encode(
        hmac_sha256(keys.session_key().reveal(), std::string("patd/csrf/v1/").append(cookie)));
}

SResult<WebSession> TokenService::Impl::open_web_session(std::int64_t account_id,
                                                         const ClientInfo& client) {
    Secret cookie(base64url_encode(random.bytes(k_cookie_bytes)));
    WebSessionRecord row;
    row.digest = keys.token_digest(cookie.reveal());
    row.account_id = account_id;
    row.created_at = now();
    row.last_seen = row.created_at;
    row.client_ip = client.ip;
    row.user_agent = client.user_agent;
    if (auto r = repository->insert_web_session(row, row.created_at - options.web_idle_ttl,
                                                row.created_at - options.web_absolute_ttl);
        !r)
        return fail(std::move(r).error());
    std::string csrf = csrf_for(cookie.reveal());
    return WebSession{std::move(cookie), std::move(csrf)};
}

SResult<WebPrincipal> TokenService::authenticate_web_session(std::string_view cookie) {
    Impl& s = *m_impl;
    if (cookie.size() != k_cookie_chars) return fail(signed_out());
    const std::string digest = s.keys.token_digest(cookie);
    auto found = s.repository->find_web_session(digest);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value() || !constant_time_equal((*found)->digest, digest))
        return fail(signed_out());
    const WebSessionRecord& row = **found;
    const Timestamp now = s.now();
    if (row.last_seen + s.options.web_idle_ttl <= now ||
        row.created_at + s.options.web_absolute_ttl <= now) {
        (void)s.repository->delete_web_session(digest);
        return fail(signed_out());
    }
    auto account = s.repository->find_account_by_id(row.account_id);
    if (!account) return fail(std::move(account).error());
    if (!account->has_value()) return fail(signed_out());
    if (now - row.last_seen >= k_touch_every) {
        if (auto r = s.repository->touch_web_session(digest, now); !r)
            return fail(std::move(r).error());
    }
    WebPrincipal out;
    out.principal.account_id = row.account_id;
    out.principal.username = (*account)->username;
    out.csrf_token = s.csrf_for(cookie);
    return out;
}

SResult<void> TokenService::end_web_session(std::string_view cookie) {
    if (cookie.empty()) return {};
    return m_impl->repository->delete_web_session(m_impl->keys.token_digest(cookie));
}

SResult<SignedOutEverywhere> TokenService::sign_out_everywhere(const Principal& who) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    SignedOutEverywhere out;
    // Tokens first: should the second step fail, the person is still signed
    // in and can simply try again.
    auto tokens = m_impl->repository->delete_auto_tokens(who.account_id);
    if (!tokens) return fail(std::move(tokens).error());
    out.auto_tokens = *tokens;
    auto sessions = m_impl->repository->delete_web_sessions(who.account_id);
    if (!sessions) return fail(std::move(sessions).error());
    out.sessions = *sessions;
    return out;
}

}  // namespace pat::patd
