// Checking a username + PAT or password, and the routes a PAT calls itself:
// GET /v2/access-tokens/current and POST .../current/usage.
#include "patd/crypto/hmac.hpp"
#include "patd/crypto/password.hpp"
#include "patd/crypto/token_format.hpp"
#include "patd/domain/ip_address.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
constexpr std::string_view k_unknown_token = "unknown token";
constexpr std::string_view k_bad_credentials = "incorrect username or password";
}  // namespace

SResult<AuthenticatedPat> TokenService::Impl::authenticate_pat(std::string_view username,
                                                               std::string_view token) {
    // The name rules and the checksum reject typos and guesses without
    // touching the database.
    if (!valid_username(username) || !is_well_formed_token(options.token_prefix, token))
        return fail(unauthorized(std::string(k_unknown_token), AuthReason::unknown));
    const std::string digest = keys.token_digest(token);
    auto found = repository->find_token_and_owner(digest);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value())
        return fail(unauthorized(std::string(k_unknown_token), AuthReason::unknown));
    auto& [t, owner] = **found;
    // The index lookup matched on the digest; confirm in constant time.
    // Another user's token is "unknown" too: the name must match its owner.
    if (!constant_time_equal(t.digest, digest) || !constant_time_equal(owner.username, username))
        return fail(unauthorized(std::string(k_unknown_token), AuthReason::unknown));
    if (!t.is_active) return fail(unauthorized("token is deactivated", AuthReason::deactivated));
    if (t.expires_at && *t.expires_at <= now())
        return fail(unauthorized("token has expired", AuthReason::expired));
    return AuthenticatedPat{std::move(owner), std::move(t)};
}

SResult<AccountRecord> TokenService::Impl::authenticate_password(std::string_view username,
                                                                 std::string_view password,
                                                                 const ClientInfo& client) {
    // Nothing a client sends under a name that cannot exist is counted or
    // stored (a 60 KB "username" must not become a 60 KB counter key).
    if (!valid_username(username))
        return fail(unauthorized(std::string(k_bad_credentials), AuthReason::bad_credentials));
    if (auto r = check_attempt(client, username); !r) return fail(std::move(r).error());
    if (const auto wait = limiter->password_budget(username)) {
        ++rate_limited_count;
        return fail(rate_limited(*wait, std::string(k_detail_password_budget)));
    }
    auto found = repository->find_account(username);
    if (!found) return fail(std::move(found).error());
    PasswordGate gate(password_gate);
    if (!found->has_value()) {
        std::call_once(m_dummy_once, [&] {
            m_dummy_hash = hash_password("patd dummy password", options.password_cost);
        });
        (void)verify_password(m_dummy_hash, password);
        return fail(failed_attempt(
            client, username,
            unauthorized(std::string(k_bad_credentials), AuthReason::bad_credentials)));
    }
    AccountRecord& a = **found;
    if (!verify_password(a.password_hash, password))
        return fail(failed_attempt(
            client, username,
            unauthorized(std::string(k_bad_credentials), AuthReason::bad_credentials)));
    limiter->record_success(username, source_key(client.ip));
    if (password_needs_rehash(a.password_hash, options.password_cost)) {
        a.password_hash = hash_password(password, options.password_cost);
        // Best effort: the login succeeds even if the upgrade cannot be stored.
        (void)repository->set_password_hash(a.id, a.password_hash);
    }
    return std::move(a);
}

SResult<AuthenticatedPat> TokenService::Impl::authenticate_pat_request(
    const BasicCredentials& credentials) {
    auto pat = authenticate_pat(credentials.username, credentials.secret.reveal());
    if (!pat && pat.error().code == ErrorCode::unauthorized)
        return fail(failed_unguessable(std::move(pat).error()));
    return pat;
}

SResult<AccessTokenView> TokenService::current(const BasicCredentials& credentials,
                                               const ClientInfo& /*client*/) {
    auto pat = m_impl->authenticate_pat_request(credentials);
    if (!pat) return fail(std::move(pat).error());
    return m_impl->view_of(pat->token);
}

SResult<void> TokenService::record_usage(const BasicCredentials& credentials,
                                         std::optional<Timestamp> used_at,
                                         const ClientInfo& client) {
    auto pat = m_impl->authenticate_pat_request(credentials);
    if (!pat) return fail(std::move(pat).error());
    const Timestamp now = m_impl->now();
    // A client cannot move last_used into the future.
    m_impl->last_used.record(pat->token.id, used_at && *used_at < now ? *used_at : now);
    m_impl->audit_token_use(pat->token, client, "usage-report");
    return {};
}

}  // namespace pat::patd
