// TokenService over the network: ServiceLocator picks patd's API or the
// registry token protocol for each server key.
#include "common/pat_format.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::tokenclient {
namespace {

constexpr const char* k_client_name = "docker-credential-pat";

class RemoteTokenService final : public TokenService {
  public:
    RemoteTokenService(LocatorOptions options, const Clock& clock)
        : m_deadline(options.deadline),
          m_options(options),
          m_locator(std::move(options), clock),
          m_clock(clock) {}

    err::Result<TokenInfo> validate(const std::string& server_key, const std::string& username,
                                    const Secret& secret, const StoredService& stored) override {
        // The whole validation (discovery, patd check, the call) shares one
        // budget: `store` waits at most one deadline, whatever is cached.
        const auto until = std::chrono::steady_clock::now() + m_deadline;
        auto endpoint = locate(server_key, stored, until);
        if (!endpoint) return fail(std::move(endpoint).error());
        const auto deadline = request_deadline(m_deadline, until);
        if (endpoint->kind != ServiceKind::none && !deadline)
            return fail(budget_exhausted("validation"));
        err::Result<TokenInfo> info = TokenInfo{};
        switch (endpoint->kind) {
            case ServiceKind::none: {
                TokenInfo unknown;
                unknown.reason = "no token service found for " + server_key;
                unknown.checked_at = m_clock.now();
                return unknown;
            }
            case ServiceKind::patd:
                // Not shaped like a PAT (a password): patd would only say
                // "unknown token" and count a failed login towards its
                // rate limit, which repeated password logins would trip.
                if (!looks_like_pat(secret.reveal())) {
                    TokenInfo password;
                    password.state = TokenState::invalid;
                    password.kind = ServiceKind::patd;
                    password.service_url = endpoint->patd_url;
                    password.reason = "not a personal access token";
                    info = std::move(password);
                    break;
                }
                info = PatdClient(endpoint->patd_url, *deadline, m_clock, *m_options.transport)
                           .current(username, secret);
                break;
            case ServiceKind::registry:
                info = probe_token(endpoint->challenge, username, secret, *deadline,
                                   *m_options.transport);
                break;
        }
        if (!info) {
            // The contract: validate fails only when it could not ask. A
            // refusal of the request itself (429 rate limit, 403, …) is
            // "could not ask" too, not a verdict on the token.
            auto error = std::move(info).error();
            if (error.code != err::Errc::service_unreachable)
                error.code = err::Errc::service_failure;
            return forget_if_unreachable(server_key, std::move(error));
        }
        info->checked_at = m_clock.now();
        if (info->state == TokenState::active && is_past_expiry(*info, m_clock.now())) {
            info->state = TokenState::expired;
            info->reason = "token has expired";
        }
        return info;
    }

    err::Result<CreatedToken> exchange_password(const std::string& server_key,
                                                const std::string& username,
                                                const Secret& password) override {
        auto endpoint = m_locator.locate(server_key);
        if (!endpoint) return fail(std::move(endpoint).error());
        if (endpoint->kind != ServiceKind::patd)
            return fail(err::Error{err::Errc::service_rejected,
                                   "the token service of " + server_key +
                                       " is not patd: cannot exchange a password for a token"});
        if (looks_like_pat(password.reveal()))
            return fail(err::Error{err::Errc::service_unauthorized,
                                   "a personal access token cannot sign in to create tokens; "
                                   "use the account password"});
        PatdClient client(endpoint->patd_url, m_deadline, m_clock, *m_options.transport);
        auto login = client.login(username, password);
        if (!login)
            return fail(forget_if_unreachable(server_key, std::move(login).error()).error());
        if (!login->session)
            return fail(err::Error{err::Errc::service_rejected,
                                   "unauthorized: " + std::string(k_pat_required_detail) +
                                       " (two-factor authentication is on for " + username + ")"});
        auto created = client.desktop_generate(*login->session);
        if (!created) {
            auto error = std::move(created).error();
            if (error.code == err::Errc::service_forbidden)  // a PAT session after all
                error.code = err::Errc::service_unauthorized;
            return fail(std::move(error));
        }
        // desktop-generate answers with the token only; `current` fills in
        // its uuid, label and expiry.
        auto info = client.current(username, created->token);
        if (info && info->state == TokenState::active) created->info = std::move(*info);
        created->info.owner = username;
        created->info.checked_at = m_clock.now();
        return created;
    }

    std::string configured_service(const std::string& server_key) override {
        return configured_service_url(m_options, server_key);
    }

    err::Result<void> report_usage(const std::string& server_key, const std::string& username,
                                   const Secret& secret, const StoredService& stored,
                                   TimePoint used_at) override {
        auto endpoint =
            locate(server_key, stored, std::chrono::steady_clock::now() + 2 * m_deadline);
        if (!endpoint) return fail(std::move(endpoint).error());
        if (endpoint->kind != ServiceKind::patd) return {};
        auto done = PatdClient(endpoint->patd_url, m_deadline, m_clock, *m_options.transport)
                        .report_usage(username, secret, used_at, k_client_name);
        if (!done) return fail(forget_if_unreachable(server_key, std::move(done).error()).error());
        return {};
    }

  private:
    err::Result<ServiceEndpoint> locate(const std::string& server_key, const StoredService& stored,
                                        std::chrono::steady_clock::time_point until) {
        if (stored) return m_locator.locate_stored(server_key, *stored, until);
        return m_locator.locate(server_key, until);
    }

    // A cached service that stopped answering may have moved: look again
    // next time.
    err::Result<TokenInfo> forget_if_unreachable(const std::string& server_key, err::Error error) {
        if (error.code == err::Errc::service_unreachable) m_locator.forget(server_key);
        return fail(std::move(error));
    }

    std::chrono::milliseconds m_deadline;
    LocatorOptions m_options;
    ServiceLocator m_locator;
    const Clock& m_clock;
};

}  // namespace

std::unique_ptr<TokenService> make_remote_token_service(LocatorOptions options,
                                                        const Clock& clock) {
    return std::make_unique<RemoteTokenService>(std::move(options), clock);
}

}  // namespace pat::tokenclient
