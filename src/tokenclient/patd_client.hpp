#pragma once
// patd's HTTP API as the helper uses it (docs/patd-api.md).
// Each call is one request with the client's deadline. HTTP errors map to
// err::Error: 401 service_unauthorized, 403 service_forbidden, other 4xx
// service_rejected, 5xx/garbage service_failure; the message carries patd's
// `detail` (never a secret), e.g. "token service refused the token: token
// is deactivated".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/secret.hpp"
#include "tokenclient/http_transport.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::tokenclient {

// The result of POST /v2/users/login.
struct LoginResult {
    std::optional<Secret> session;          // set on 200
    std::optional<Secret> login_2fa_token;  // set when 2FA is required (401 + token)
};

struct TokenPage {
    long count = 0;
    long active_count = 0;
    bool has_next = false;
    std::vector<TokenInfo> results;  // state active/inactive/expired, uuid, label, scopes …
};

// A token created by POST /v2/access-tokens or desktop-generate.
struct CreatedToken {
    TokenInfo info;
    Secret token;  // the plaintext, shown once
};

// The reply of POST /oauth/device/code (RFC 8628 §3.2).
struct DeviceStart {
    Secret device_code;
    std::string user_code;  // "BCDF-GHJK"
    std::string verification_uri;
    std::string verification_uri_complete;
    std::chrono::seconds expires_in{0};
    std::chrono::seconds interval{5};
};

// One poll of POST /oauth/token with the device_code grant. `error` is the
// RFC's code (authorization_pending, slow_down, access_denied,
// expired_token, invalid_grant…), or "" with `token` set.
struct DevicePollReply {
    std::string error;
    std::string description;
    std::optional<std::chrono::seconds> interval;  // a slow_down may name the new one
    std::optional<Secret> token;
    std::string username;
};

class PatdClient {
  public:
    // `base_url`: e.g. "http://127.0.0.1:5001" (no trailing slash).
    // `clock` judges whether a token is past its expiry.
    // Every request goes through `transport`, which must outlive the client.
    PatdClient(std::string base_url, std::chrono::milliseconds deadline,
               const Clock& clock = system_clock(),
               HttpTransport& transport = automatic_http_transport());

    const std::string& base_url() const { return m_base_url; }

    // GET /v2/access-tokens/current with Basic username:token. 200 -> the
    // token's info (state active, or expired when past expires_at). 401 ->
    // a TokenInfo with state inactive/expired/deleted/invalid chosen from
    // patd's detail and `reason` = the detail; that is a successful Result.
    // Only transport or 5xx failures are errors.
    err::Result<TokenInfo> current(const std::string& username, const Secret& token);

    // POST /v2/access-tokens/current/usage {used_at, client} -> 204.
    err::Result<void> report_usage(const std::string& username, const Secret& token,
                                   TimePoint used_at, const std::string& client);

    // POST /v2/users/login {username, password}.
    err::Result<LoginResult> login(const std::string& username, const Secret& password);
    // POST /v2/users/2fa-login {login_2fa_token, code} -> the session.
    err::Result<Secret> login_2fa(const Secret& login_2fa_token, const std::string& code);

    // Routes below take a (password) session from login.
    err::Result<TokenPage> list(const Secret& session, int page, int page_size);
    // scopes: patd names ("repo:read" …); expires_at: none or ≤ 1 year ahead.
    err::Result<CreatedToken> create(const Secret& session, const std::string& label,
                                     const std::vector<std::string>& scopes,
                                     std::optional<TimePoint> expires_at);
    err::Result<CreatedToken> desktop_generate(const Secret& session);
    err::Result<TokenInfo> get(const Secret& session, const std::string& uuid);
    err::Result<TokenInfo> patch(const Secret& session, const std::string& uuid,
                                 std::optional<std::string> label, std::optional<bool> is_active);
    err::Result<void> remove(const Secret& session, const std::string& uuid);

    // Device sign-in (RFC 8628): start, then poll until a token or an error.
    err::Result<DeviceStart> start_device(const std::string& client_id,
                                          const std::string& host_name,
                                          const std::string& helper_version);
    err::Result<DevicePollReply> poll_device(const Secret& device_code);
    // DELETE /v2/access-tokens/current with Basic username:token: an
    // auto-generated token deletes itself (`logout`).
    err::Result<void> revoke_current(const std::string& username, const Secret& token);

  private:
    std::string m_base_url;
    std::chrono::milliseconds m_deadline;
    const Clock* m_clock;
    HttpTransport* m_transport;
};

}  // namespace pat::tokenclient
