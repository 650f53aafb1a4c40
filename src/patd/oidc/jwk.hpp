#pragma once
// Signature keys of an OpenID Connect issuer: its JWKS (RFC 7517) turned
// into OpenSSL 3 public keys. Only what patd verifies is kept: RSA keys
// (RS256) and EC P-256 keys (ES256), each with a `kid`; other keys (Ed25519,
// encryption keys, keys without a kid) are skipped, not errors, because real
// issuers publish them beside the ones they sign ID tokens with.

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace pat::patd::oidc {

// The JWS algorithms patd accepts for ID tokens. Anything else (none, HS256,
// RS512, PS256, EdDSA…) is refused by name before any key is looked up.
enum class Alg { rs256, es256 };
std::optional<Alg> parse_alg(std::string_view text);  // exact "RS256" / "ES256"
std::string_view to_string(Alg alg);

struct PublicKey {
    std::string kid;
    Alg alg = Alg::rs256;           // RSA keys verify RS256, P-256 keys ES256
    std::shared_ptr<EVP_PKEY> key;  // shared: the cache hands out copies
};

struct JwksLimits {
    std::size_t max_keys = 64;  // a larger set is refused as a whole
    int min_rsa_bits = 2048;    // smaller RSA keys are skipped
    int max_rsa_bits = 8192;    // larger RSA keys are skipped (verification cost)
};

// Parses a JWKS document ({"keys":[…]}). Fails for a document that is not a
// JSON object with a "keys" array, or has more than max_keys entries; a key
// that is malformed or unsupported is skipped.
Result<std::vector<PublicKey>, std::string> parse_jwks(std::string_view json,
                                                       const JwksLimits& limits = {});

// One JWK object (as JSON text) -> key, or nullopt when unsupported or
// malformed (for tests and parse_jwks).
std::optional<PublicKey> parse_jwk(std::string_view json, const JwksLimits& limits = {});

}  // namespace pat::patd::oidc
