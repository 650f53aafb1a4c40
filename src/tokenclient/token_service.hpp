#pragma once
// What the helper's lifecycle (src/helper/lifecycle) needs from "the token
// service of a registry", whatever it is. The remote implementation combines
// ServiceLocator, PatdClient and the registry probe; unit tests use a fake.

#include <memory>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/secret.hpp"
#include "tokenclient/patd_client.hpp"
#include "tokenclient/service_locator.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::tokenclient {

// The docker CLI's text for a 2FA account that sent a password.
inline constexpr std::string_view k_pat_required_detail =
    "please use personal access token to login";

// Whose secret a call carries. nullopt: one being stored now, checked at
// the service located as configured (DOCKER_CREDENTIAL_PAT_BACKEND first).
// A value: a stored secret and the service recorded with it (pat_service,
// "" when none was); it goes there and nowhere else
// (ServiceLocator::locate_stored).
using StoredService = std::optional<std::string>;
inline const StoredService k_new_secret = std::nullopt;

class TokenService {
  public:
    virtual ~TokenService() = default;

    // What the service says about username:secret for `server_key`
    // (`stored`: see StoredService).
    // kind none (no service found) -> TokenInfo{unknown, kind none}, ok.
    // A rejected secret is a TokenInfo with a revoked state, ok.
    // Errors: only "could not ask" (service_unreachable, service_failure).
    // Every answer carries `checked_at` = the implementation's clock when it
    // answered: this is the one place a verdict is dated, and callers keep
    // it as it is.
    virtual err::Result<TokenInfo> validate(const std::string& server_key,
                                            const std::string& username, const Secret& secret,
                                            const StoredService& stored) = 0;

    // The URL a secret stored now for `server_key` would be checked at,
    // without a request ("" when it is found by discovery): recorded with
    // an item stored unchecked, so its later checks go there too.
    virtual std::string configured_service(const std::string& /*server_key*/) { return {}; }

    // patd only: logs in with a password and creates an auto-generated PAT
    // (desktop-generate), returning it with its info. Errors:
    // service_unauthorized (wrong password; also a PAT, which cannot sign
    // in for admin routes), service_rejected with k_pat_required_detail in
    // the message for a 2FA account, service_unreachable, or
    // service_rejected "not a patd service" for other kinds. The token's
    // info carries `checked_at`, as validate's answers do.
    virtual err::Result<CreatedToken> exchange_password(const std::string& server_key,
                                                        const std::string& username,
                                                        const Secret& password) = 0;

    // patd only: records a use (POST current/usage) of a stored secret, at
    // the service recorded with it (`stored`). Other kinds: ok, no-op.
    virtual err::Result<void> report_usage(const std::string& server_key,
                                           const std::string& username, const Secret& secret,
                                           const StoredService& stored, TimePoint used_at) = 0;
};

std::unique_ptr<TokenService> make_remote_token_service(LocatorOptions options, const Clock& clock);

}  // namespace pat::tokenclient
