#pragma once
// `docker-credential-pat ci login R --oidc`: keyless CI (docs/oidc.md). The
// job's OpenID Connect ID token (ci_id_token.hpp) is exchanged at R's patd
// (POST /v2/oidc/token, RFC 8693) for a short-lived PAT; its scope is
// checked against --require; it goes into the kernel keyring with its own
// lifetime as the key's time-out, and the docker config points at the
// helper, as with `ci login`. `ci logout` revokes such a token early.

#include <string>

#include "credentials/credential_store.hpp"
#include "helper/commands/commands.hpp"

namespace pat::helper::cmd {

// Whether the words after `ci login` ask for the OIDC login (--oidc).
bool wants_oidc_login(const Args& args);

// `ci login --oidc` with the words after `login`; the exit code.
int ci_oidc_login(const Args& args, CommandContext& ctx);

// For `ci logout`: when the item `server` in `keyring` came from a patd's
// OIDC exchange, asks that patd to revoke it (POST /v2/oidc/revoke, bounded).
// A failure is a warning on ctx.err (the token expires on its own soon);
// true when patd confirmed the revocation.
bool revoke_oidc_token(cred::CredentialStore& keyring, const std::string& server,
                       CommandContext& ctx);

}  // namespace pat::helper::cmd
