#pragma once
// The claim set of a registry bearer token (docs/registry-token.md): iss, sub, aud as a
// *string* (2.8 rejects an array), integer exp/nbf/iat, a random jti, and
// access:[{type,name,actions}].

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "patd/domain/types.hpp"

namespace pat::jwt {

struct RegistryClaims {
    std::string issuer;
    std::string subject;
    std::string audience;
    std::int64_t issued_at = 0;  // unix seconds
    std::int64_t ttl_seconds = 300;
    std::vector<patd::GrantedAccess> access;  // class omitted when ""
};

// Builds the JSON claims; `jti` must be unique per token (see random_jti).
nlohmann::json registry_claims_json(const RegistryClaims& claims, const std::string& jti);

// 128 random bits from the OS CSPRNG, base64url.
std::string random_jti();

}  // namespace pat::jwt
