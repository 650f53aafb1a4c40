#pragma once
// Test helpers: take a compact JWS apart and verify an ES256 signature the
// way a registry does, independently of the signing code.

#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/base64.hpp"
#include "patd/jwt/openssl_ptr.hpp"

namespace pat::test {

using namespace pat::jwt;
using pat::base64_decode;

inline std::string b64url_decode(std::string text) {
    for (char& c : text) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    auto out = base64_decode(text);
    REQUIRE(out.has_value());
    return *out;
}

inline std::vector<std::string> split_dots(const std::string& jws) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto dot = jws.find('.'); dot != std::string::npos; dot = jws.find('.', start)) {
        parts.push_back(jws.substr(start, dot - start));
        start = dot + 1;
    }
    parts.push_back(jws.substr(start));
    return parts;
}

// Verifies a raw R‖S ES256 signature with the certificate's public key, the
// way a registry does (independently of the signing code path).
inline bool verify_es256(const std::string& cert_pem, const std::string& input,
                         const std::string& raw) {
    if (raw.size() != 64) return false;
    BioPtr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    PkeyPtr pub(X509_get_pubkey(cert.get()));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(sig.get(), r, s);
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

}  // namespace pat::test
