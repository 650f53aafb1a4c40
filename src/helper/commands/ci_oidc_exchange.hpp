#pragma once
// patd's keyless-CI routes as `ci login --oidc` and `ci logout` call them
// (docs/oidc.md): the RFC 8693 exchange and RFC 7009-style revocation, each
// one form POST with a deadline. Request and reply bodies are wiped.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/secret.hpp"
#include "credentials/errors.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper::cmd {

// The ID token is as good as a login at patd until patd consumes it, so it
// goes over https, or plain http only to a loopback patd (IPv4 127/8 as a
// literal, [::1], localhost): the tests, or patd on the runner itself.
bool id_token_may_go_to(std::string_view patd_url);

struct ExchangedToken {
    Secret token;          // the PAT
    std::string username;  // its account: the Basic username at /token
    std::string scope;     // e.g. "repo:write"
    std::chrono::seconds expires_in{0};
    std::string uuid;
    std::string label;  // "OIDC <sub>"
    std::optional<tokenclient::TimePoint> expires_at;
};

// POST <patd>/v2/oidc/token. patd's refusal is service_rejected with its
// error_description ("id token refused: its aud does not contain 'x'");
// 503 is service_failure ("patd at URL is unavailable: cannot check …").
cred::Result<ExchangedToken> exchange_id_token(const std::string& patd_url, const Secret& id_token,
                                               const std::string& account,
                                               std::chrono::milliseconds deadline);

// POST <patd>/v2/oidc/revoke with the form token=<PAT>.
cred::Result<void> revoke_exchanged_token(const std::string& patd_url, const Secret& token,
                                          std::chrono::milliseconds deadline);

}  // namespace pat::helper::cmd
