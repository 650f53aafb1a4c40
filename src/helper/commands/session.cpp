#include "helper/commands/session.hpp"

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/clock.hpp"
#include "helper/commands/secret_input.hpp"
#include "helper/lifecycle/pat_store.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper::cmd {
namespace {

// Cached sessions are not used in their last minute: a call must not start
// with a session that dies on the way.
constexpr std::chrono::seconds k_expiry_margin{60};
// A session whose JWT has no readable exp is cached this long.
constexpr std::chrono::minutes k_default_session_life{5};

cred::Error refused(const std::string& username, const std::string& url) {
    return cred::Error{
        cred::Errc::service_unauthorized,
        "sign-in to " + url + " as " + username + " refused: wrong username or password"};
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> jwt_expiry(std::string_view jwt) {
    const auto payload = jwt_payload(jwt);
    if (!payload) return std::nullopt;
    const auto claims = nlohmann::json::parse(*payload, nullptr, false);
    if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number_integer()) {
        return std::nullopt;
    }
    return std::chrono::system_clock::time_point(
        std::chrono::seconds(claims["exp"].get<long long>()));
}

AdminSession::AdminSession(tokenclient::PatdClient& client, cred::CredentialStore* store,
                           SignInOptions options, CommandContext& ctx)
    : m_client(client), m_store(store), m_options(std::move(options)), m_ctx(ctx) {}

std::string AdminSession::cache_key() const {
    return std::string(k_internal_key_prefix) + "session:" + m_client.base_url();
}

void AdminSession::drop_cache() {
    if (m_store && m_cached) (void)m_store->erase(cache_key());
    m_cached = false;
    m_from_cache = false;
}

cred::Result<void> AdminSession::ensure_session() {
    if (m_session) return {};
    // The username: --username, else the one stored for the registry.
    if (m_options.username) {
        m_username = *m_options.username;
    } else if (m_store && !m_options.registry.empty()) {
        if (auto stored = m_store->get(m_options.registry);
            stored && stored->username != "<token>") {
            m_username = stored->username;
        }
    }
    if (m_store && m_options.use_cache) {
        auto cached = m_store->get(cache_key());
        if (cached && (m_username.empty() || cached->username == m_username)) {
            // The JWT's own exp, else the item's metadata (a store that
            // keeps no metadata still caches).
            auto expires = jwt_expiry(cached->secret.reveal());
            if (const auto meta = cached->metadata.find("pat_expires_at");
                !expires && meta != cached->metadata.end()) {
                expires = tokenclient::parse_time(meta->second);
            }
            if (expires && *expires > m_ctx.clock.now() + k_expiry_margin) {
                m_username = cached->username;
                m_session = std::move(cached->secret);
                m_from_cache = true;
                m_cached = true;
                return {};
            }
        }
    }
    return sign_in();
}

cred::Result<void> AdminSession::sign_in() {
    if (m_username.empty() && m_options.username) m_username = *m_options.username;
    if (m_username.empty()) {
        return fail(cred::Error{
            cred::Errc::bad_input,
            "missing --username (the account to sign in to " + m_client.base_url() + ")"});
    }
    auto password =
        m_options.password_stdin
            ? read_secret_stream(m_ctx.in, "the password")
            : prompt_tty("Password for " + m_username + " at " + m_client.base_url() + ": ", true,
                         "a password", "--password-stdin");
    if (!password) return fail(std::move(password).error());
    auto login = m_client.login(m_username, *password);
    if (!login) {
        if (login.error().code == cred::Errc::service_unauthorized) {
            return fail(refused(m_username, m_client.base_url()));
        }
        return fail(std::move(login).error());
    }
    std::optional<Secret> session = std::move(login->session);
    if (!session && login->login_2fa_token) {
        auto code = m_options.otp ? cred::Result<Secret>(Secret::copy_of(*m_options.otp))
                                  : prompt_tty("Authentication code (TOTP): ", false,
                                               "an authentication code (2FA is on)", "--otp CODE");
        if (!code) return fail(std::move(code).error());
        auto second = m_client.login_2fa(*login->login_2fa_token, std::string(code->reveal()));
        if (!second) {
            if (second.error().code == cred::Errc::service_unauthorized) {
                return fail(cred::Error{cred::Errc::service_unauthorized,
                                        "sign-in to " + m_client.base_url() + " as " + m_username +
                                            " refused: the authentication code is wrong or "
                                            "expired"});
            }
            return fail(std::move(second).error());
        }
        session = std::move(*second);
    }
    if (!session) return fail(refused(m_username, m_client.base_url()));
    m_session = std::move(session);
    m_from_cache = false;
    if (m_store && m_options.use_cache) {
        const auto expires =
            jwt_expiry(m_session->reveal()).value_or(m_ctx.clock.now() + k_default_session_life);
        cred::Credentials item{cache_key(),
                               m_username,
                               m_session->clone(),
                               {{"pat_expires_at", tokenclient::format_time(expires)},
                                {"pat_service", m_client.base_url()}}};
        // A keychain that cannot cache only costs a prompt next time.
        m_cached = m_store->add(item).ok();
    }
    return {};
}

}  // namespace pat::helper::cmd
