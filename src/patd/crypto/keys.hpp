#pragma once
// Keys derived from the pepper (32 secret bytes in the data dir), one per
// purpose, so a leak of one derived key does not expose the others:
//   token digest   = HMAC-SHA256(pepper, token)            (stored, indexed)
//   session key    = HMAC-SHA256(pepper, "patd/session-key/v1")
//   TOTP seal key  = HMAC-SHA256(pepper, "patd/totp-seal-key/v1")
// Labels contain '/', which no token can, so they never collide with a digest.

#include <string>
#include <string_view>

#include "common/secret.hpp"
#include "patd/crypto/hmac.hpp"

namespace pat::patd {

class Keys {
  public:
    explicit Keys(Secret pepper);

    // The stored form of a token string (32 raw bytes).
    std::string token_digest(std::string_view token) const;
    const Secret& session_key() const { return m_session; }

    // Encrypts a TOTP secret (XSalsa20-Poly1305, random nonce prepended) so a
    // database dump alone does not reveal it.
    std::string seal(std::string_view plaintext, std::string_view nonce) const;
    // Decrypts; false when the box was tampered with or sealed by another pepper.
    bool open(std::string_view sealed, Secret& plaintext) const;
    static constexpr std::size_t k_nonce_bytes = 24;

  private:
    Secret m_pepper;
    HmacSha256Key m_digest_key;
    Secret m_session;
    Secret m_seal;
};

}  // namespace pat::patd
