#pragma once
// The one way a credential is written with its token metadata: by
// PatAwareStore (docker login), `tokens create --store`, `login` and
// `ci login`. The TokenInfo goes next to the secret as non-secret
// attributes, under a fresh generation id that ties the verdicts of later
// checks to this one secret (docs/lifecycle.md).

#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "credentials/credential_store.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper {

// The prefix of the keys the helper keeps for itself (cached `tokens`
// sessions): never a docker credential.
inline constexpr std::string_view k_internal_key_prefix = "docker-credential-pat:";

// Whether `key` is one of the helper's own items (k_internal_key_prefix).
bool is_internal_key(std::string_view key);

// 128 random bits from getrandom as 32 lower-case hex digits. A failing
// getrandom (no entropy source at all) is unexpected: it throws.
std::string fresh_generation();

// The one checked_at the helper sets itself, for metadata no token service
// dated: an identity token (never checked) and a token patd has just issued
// to the helper (`tokens create --store`, `login`, `ci login --oidc`). Every
// other checked_at is the token service's date of its answer.
void date_by_helper(tokenclient::TokenInfo& info, const Clock& clock);

// Stores `credentials` in `store` with `info` as its token metadata (over
// the credentials' own metadata) and a fresh generation, replacing what
// was stored for the key. `info.checked_at` is kept as the caller set it.
cred::Result<void> store_with_token_info(cred::CredentialStore& store,
                                         const cred::Credentials& credentials,
                                         tokenclient::TokenInfo info);

}  // namespace pat::helper
