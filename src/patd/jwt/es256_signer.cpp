#include "patd/jwt/es256_signer.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "common/base64.hpp"
#include "patd/jwt/openssl_ptr.hpp"

namespace pat::jwt {
namespace {

BioPtr memory_bio(std::string_view text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

bool is_p256(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1)
        return false;
    return std::string_view(group, len) == "prime256v1" || std::string_view(group, len) == "P-256";
}

}  // namespace

std::string ecdsa_der_to_raw(std::string_view der, std::size_t width) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) return {};
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string raw(2 * width, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(r, out, static_cast<int>(width)) < 0 ||
        BN_bn2binpad(s, out + width, static_cast<int>(width)) < 0)
        return {};
    return raw;
}

Result<Es256Signer, std::string> Es256Signer::from_pem(std::string_view key_pem,
                                                       std::string_view cert_pem) {
    auto key_bio = memory_bio(key_pem);
    PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                        : nullptr);
    if (!key) return fail(std::string("signing key: not a PEM private key"));
    if (!is_p256(key.get())) return fail(std::string("signing key: not an EC P-256 key (ES256)"));
    auto cert_bio = memory_bio(cert_pem);
    X509Ptr cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) return fail(std::string("signing certificate: not a PEM certificate"));
    if (X509_check_private_key(cert.get(), key.get()) != 1)
        return fail(std::string("signing certificate does not match the signing key"));

    unsigned char* der = nullptr;
    const int der_len = i2d_X509(cert.get(), &der);
    if (der_len <= 0) return fail(std::string("signing certificate: cannot encode DER"));
    std::string der_bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_len));
    OPENSSL_free(der);

    Es256Signer signer;
    signer.m_key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
    // x5c alone is what both 2.8 and 3.x resolve the same way (docs/registry-token.md); a kid
    // would have to differ between the two versions.
    signer.m_header = {{"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {base64_encode(der_bytes)}}};
    signer.m_header_b64 = base64url_encode(signer.m_header.dump());
    signer.m_cert_pem = std::string(cert_pem);
    return signer;
}

std::string Es256Signer::sign(const nlohmann::json& claims) const {
    std::string input = m_header_b64;
    input.push_back('.');
    input += base64url_encode(claims.dump());

    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t der_len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &der_len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        throw std::runtime_error("ES256: cannot start signature");
    std::string der(der_len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        throw std::runtime_error("ES256: signing failed");
    der.resize(der_len);
    const std::string raw = ecdsa_der_to_raw(der, 32);
    if (raw.empty()) throw std::runtime_error("ES256: malformed DER signature");
    input.push_back('.');
    input += base64url_encode(raw);
    return input;
}

}  // namespace pat::jwt
