#pragma once
// An OpenID Connect ID token in JWS compact serialisation: decoded, then
// verified with one of the issuer's keys (RS256: RSASSA-PKCS1-v1_5 with
// SHA-256; ES256: ECDSA P-256 with SHA-256 and a raw 64-byte R‖S
// signature, RFC 7518 §3.4). Decoding trusts nothing: the claims are only
// believed after verify_signature() and the checks of claims_check.hpp.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "patd/oidc/jwk.hpp"

namespace pat::patd::oidc {

// ID tokens of GitHub and GitLab are 1-2 KiB; anything far larger is refused
// before it is decoded.
inline constexpr std::size_t k_max_id_token_size = std::size_t{16} * 1024;

struct DecodedToken {
    nlohmann::json header;      // a JSON object
    nlohmann::json claims;      // a JSON object, NOT yet trusted
    std::string alg;            // header "alg" as sent ("" when absent)
    std::string kid;            // header "kid" ("" when absent)
    std::string signing_input;  // "<header b64>.<payload b64>"
    std::string signature;      // raw bytes
};

// Splits and decodes; the error says what is malformed (never echoing the
// token).
Result<DecodedToken, std::string> decode_id_token(std::string_view compact);

// True when `token`'s signature verifies with `key` and the token's alg is
// the key's alg. Never throws.
bool verify_signature(const DecodedToken& token, const PublicKey& key);

}  // namespace pat::patd::oidc
