#pragma once
// ES256 (ECDSA P-256 + SHA-256) JWS signing for registry bearer tokens, in the
// exact shape CNCF distribution 2.8 and 3.x accept (docs/registry-token.md
// "The JWT"): header {typ, alg, x5c}, base64url
// without padding, raw R‖S signature (64 bytes; DER is rejected by 2.8).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"

struct evp_pkey_st;

namespace pat::jwt {

class Es256Signer {
  public:
    // Loads a PEM private key and the PEM certificate that carries its public
    // key. Fails (with a message naming the problem, never key material) when
    // either does not parse, the key is not P-256, or the two do not match.
    static Result<Es256Signer, std::string> from_pem(std::string_view key_pem,
                                                     std::string_view cert_pem);

    // Returns `header.payload.signature` for `claims` (serialised as given).
    // Thread-safe: each call uses its own digest context.
    std::string sign(const nlohmann::json& claims) const;

    // The JOSE header every token carries (for tests and diagnostics).
    const nlohmann::json& header() const { return m_header; }
    // The certificate in PEM, as `patd cert` prints it.
    const std::string& cert_pem() const { return m_cert_pem; }

  private:
    Es256Signer() = default;
    std::shared_ptr<evp_pkey_st> m_key;
    nlohmann::json m_header;
    std::string m_header_b64;
    std::string m_cert_pem;
};

// Converts a DER ECDSA-Sig-Value to the fixed-width R‖S form of JWS
// (RFC 7518 §3.4); empty on malformed input. `width` is 32 for P-256.
std::string ecdsa_der_to_raw(std::string_view der, std::size_t width);

}  // namespace pat::jwt
