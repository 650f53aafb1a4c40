#pragma once
// Keyless CI (docs/oidc.md): what the service shows and takes for trusted
// OpenID Connect issuers, trust policies and the token exchange. No HTTP or
// JSON types here.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/secret.hpp"
#include "patd/domain/scope.hpp"
#include "patd/domain/time.hpp"
#include "patd/domain/types.hpp"

namespace pat::patd {

// Lifetimes of tokens issued by the exchange.
inline constexpr std::chrono::seconds k_oidc_default_ttl{15 * 60};
inline constexpr std::chrono::seconds k_oidc_max_ttl{60 * 60};
inline constexpr std::chrono::seconds k_oidc_min_ttl{10};
// The audience an issuer's tokens must carry when add-issuer names none
// (also the helper's default --audience).
inline constexpr std::string_view k_oidc_default_audience = "docker-credential-pat";

struct OidcIssuer {
    std::string id;  // uuid
    std::string url;
    std::string audience;
    Timestamp created_at;
};

struct OidcPolicy {
    std::string id;  // uuid
    std::string account;
    std::string issuer;  // URL
    std::map<std::string, std::string> claims;
    TokenScope scope = TokenScope::read;
    std::chrono::seconds ttl = k_oidc_default_ttl;
    Timestamp created_at;
};

// `patd oidc policy add` / POST /v2/oidc/policies.
struct NewOidcPolicy {
    std::string account;  // the API fills in the caller's account
    std::string issuer;   // URL of a trusted issuer
    std::map<std::string, std::string> claims;
    std::optional<std::string> scope;  // required: repo:read, repo:write, repo:admin (or aliases)
    std::optional<std::chrono::seconds> ttl;
};

// POST /v2/oidc/token (RFC 8693 form fields).
struct OidcExchangeRequest {
    std::string grant_type;
    std::string subject_token_type;
    Secret subject_token;
    std::string scope;    // optional: a token scope no wider than the policy's
    std::string account;  // optional: which account, when policies of several match
    ClientInfo client;
};

struct OidcExchangeResult {
    CreatedToken token;  // generated_by oidc, expires_at set
    std::string username;
    std::string policy_id;
};

inline constexpr std::string_view k_grant_token_exchange =
    "urn:ietf:params:oauth:grant-type:token-exchange";
inline constexpr std::string_view k_token_type_id_token =
    "urn:ietf:params:oauth:token-type:id_token";
inline constexpr std::string_view k_token_type_jwt = "urn:ietf:params:oauth:token-type:jwt";
inline constexpr std::string_view k_token_type_access_token =
    "urn:ietf:params:oauth:token-type:access_token";

}  // namespace pat::patd
