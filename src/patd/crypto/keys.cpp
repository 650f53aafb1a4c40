#include "patd/crypto/keys.hpp"

#include <sodium.h>

#include <stdexcept>

#include "patd/crypto/hmac.hpp"

namespace pat::patd {

static_assert(crypto_secretbox_KEYBYTES == 32, "a derived key is one SHA-256 output");
static_assert(crypto_secretbox_NONCEBYTES == Keys::k_nonce_bytes);

Keys::Keys(Secret pepper)
    : m_pepper(std::move(pepper)),
      m_digest_key(m_pepper.reveal()),
      m_session(hmac_sha256(m_pepper.reveal(), "patd/session-key/v1")),
      m_seal(hmac_sha256(m_pepper.reveal(), "patd/totp-seal-key/v1")) {
    if (m_pepper.size() < 16) throw std::invalid_argument("the pepper must be at least 16 bytes");
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string Keys::token_digest(std::string_view token) const {
    return m_digest_key.sign(token);
}

std::string Keys::seal(std::string_view plaintext, std::string_view nonce) const {
    if (nonce.size() != k_nonce_bytes) throw std::invalid_argument("bad nonce size");
    std::string out(nonce);
    out.resize(k_nonce_bytes + crypto_secretbox_MACBYTES + plaintext.size());
    auto* dst = reinterpret_cast<unsigned char*>(out.data()) + k_nonce_bytes;
    crypto_secretbox_easy(dst, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          plaintext.size(), reinterpret_cast<const unsigned char*>(nonce.data()),
                          reinterpret_cast<const unsigned char*>(m_seal.reveal().data()));
    return out;
}

bool Keys::open(std::string_view sealed, Secret& plaintext) const {
    if (sealed.size() < k_nonce_bytes + crypto_secretbox_MACBYTES) return false;
    std::string out(sealed.size() - k_nonce_bytes - crypto_secretbox_MACBYTES, '\0');
    const auto* src = reinterpret_cast<const unsigned char*>(sealed.data());
    if (crypto_secretbox_open_easy(
            reinterpret_cast<unsigned char*>(out.data()), src + k_nonce_bytes,
            sealed.size() - k_nonce_bytes, src,
            reinterpret_cast<const unsigned char*>(m_seal.reveal().data())) != 0)
        return false;
    plaintext = Secret(std::move(out));
    return true;
}

}  // namespace pat::patd
