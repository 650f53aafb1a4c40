#pragma once
// A TokenInfo as the flat metadata map every store keeps next to the secret:
// the place where the token client's view (tokenclient/token_info.hpp) and
// the keychain's (credentials/credentials.hpp) meet, so neither includes the
// other. Also the verdict cache's entry format.

#include "credentials/credentials.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper {

// Keys:
//   pat_state pat_kind pat_service pat_scopes (space-separated) pat_uuid
//   pat_label pat_owner pat_generated_by pat_expires_at pat_last_used
//   pat_checked_at (times: RFC 3339 UTC) pat_reason pat_gen
// Empty fields are left out. from_metadata never fails: unknown or
// malformed values read as absent/unknown.
cred::Metadata to_metadata(const tokenclient::TokenInfo& info);
tokenclient::TokenInfo from_metadata(const cred::Metadata& metadata);

}  // namespace pat::helper
