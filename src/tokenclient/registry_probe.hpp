#pragma once
// The standard registry token protocol, which every token service speaks
// (Docker Hub, Harbor, GitLab, distribution + patd): find the token
// endpoint from a registry's Bearer challenge, and learn what a credential
// may do by asking for a probe scope and reading the grant.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/secret.hpp"
#include "tokenclient/http_transport.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::tokenclient {

// The parameters of `WWW-Authenticate: Bearer realm="…",service="…"`.
struct BearerChallenge {
    std::string realm;    // the token endpoint URL
    std::string service;  // may be empty
};

// Parses one WWW-Authenticate value; nullopt unless it is a Bearer
// challenge with a realm (quoted-string escapes handled, params in any order).
std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header);

// The registry base URL for a server key: "https://R" for a host[:port],
// "http://R" when the host is loopback (localhost, 127.0.0.0/8, [::1]);
// a key that already has a scheme keeps it; any path is dropped.
// Docker Hub's keys map to https://registry-1.docker.io.
std::string registry_base_url(std::string_view server_key);

// Whether credentials for a registry at `registry_base` may be sent to the
// token endpoint `realm` its challenge names: not when an https registry
// points at a plain-http realm off this machine (a downgrade that would put
// the PAT on the wire in clear). Loopback realms are always fine.
bool realm_is_acceptable(std::string_view registry_base, std::string_view realm);

// GET <base>/v2/: the Bearer challenge of a 401 reply. A 200 (no auth) or
// a Basic challenge -> service_rejected ("registry R does not use token auth").
err::Result<BearerChallenge> discover_challenge(std::string_view server_key,
                                                std::chrono::milliseconds deadline,
                                                HttpTransport& transport);

// GET <realm>?service=…&scope=repository:<username>/<probe>:pull,push,delete
// with Basic username:secret. 200 -> TokenInfo{state active, kind registry,
// scopes = granted actions (from the JWT's `access` claim, unverified: it is
// only used to show what the service grants), owner = username}. 401 ->
// TokenInfo{state invalid, reason}. Other failures are errors.
err::Result<TokenInfo> probe_token(const BearerChallenge& challenge, const std::string& username,
                                   const Secret& secret, std::chrono::milliseconds deadline,
                                   HttpTransport& transport);

// The probe repository name ("docker-credential-pat-probe").
inline constexpr const char* k_probe_repository = "docker-credential-pat-probe";

}  // namespace pat::tokenclient
