#pragma once
// Where `ci login --oidc` gets the CI job's OpenID Connect ID token, the way
// each CI documents it (README "Keyless CI with OIDC"), first match wins:
//   --id-token-env VAR / --id-token-file F   any CI, or a token fetched by hand;
//   GitHub Actions: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD with
//     "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" -> {"value": JWT}
//     (as @actions/core's getIDToken; needs `permissions: id-token: write`);
//   GitLab CI and others: the variable DOCKER_CREDENTIAL_PAT_ID_TOKEN, which
//     `id_tokens:` in .gitlab-ci.yml declares with the audience.
// The token is never taken from argv and never printed or logged.

#include <chrono>
#include <optional>
#include <string>

#include "common/secret.hpp"
#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"

namespace pat::helper::cmd {

inline constexpr std::string_view k_env_id_token = "DOCKER_CREDENTIAL_PAT_ID_TOKEN";
inline constexpr std::string_view k_default_audience = "docker-credential-pat";

struct IdTokenRequest {
    std::optional<std::string> env_name;                     // --id-token-env
    std::optional<std::string> file;                         // --id-token-file
    std::string audience = std::string(k_default_audience);  // for GitHub's endpoint
};

struct IdToken {
    Secret token;
    std::string source;  // for messages: "GitHub Actions", "$VAR", "file F"
};

// The ID token, fetched within `until` when it comes from GitHub. Errors are
// bad_input (nothing to read, say where to get one) or service_* (GitHub's
// endpoint failed), one line each, never containing a token.
cred::Result<IdToken> job_id_token(const IdTokenRequest& request, const cred::EnvLookup& env,
                                   std::chrono::steady_clock::time_point until);

}  // namespace pat::helper::cmd
