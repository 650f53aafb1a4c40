#include "patd/oidc/id_token.hpp"

#include <openssl/ecdsa.h>

#include "common/base64.hpp"
#include "patd/jwt/openssl_ptr.hpp"

namespace pat::patd::oidc {
namespace {

using nlohmann::json;

bool base64url_chars(std::string_view s) {
    for (const char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::optional<json> json_part(std::string_view b64) {
    const auto bytes = base64url_decode(b64);
    if (!bytes) return std::nullopt;
    auto parsed = json::parse(*bytes, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    return parsed;
}

// Raw R‖S (32 + 32 bytes) -> DER ECDSA-Sig-Value for EVP_DigestVerify.
std::string raw_to_der(std::string_view raw) {
    if (raw.size() != 64) return {};
    jwt::EcdsaSigPtr sig(ECDSA_SIG_new());
    jwt::BnPtr r(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr));
    jwt::BnPtr s(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
    (void)r.release();  // owned by sig now
    (void)s.release();
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return {};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace

Result<DecodedToken, std::string> decode_id_token(std::string_view compact) {
    if (compact.size() > k_max_id_token_size)
        return fail("is larger than " + std::to_string(k_max_id_token_size / 1024) + " KiB");
    const auto first = compact.find('.');
    const auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
        return fail(std::string("is not a JWS in compact form (three base64url parts)"));
    const auto header_b64 = compact.substr(0, first);
    const auto payload_b64 = compact.substr(first + 1, second - first - 1);
    const auto signature_b64 = compact.substr(second + 1);
    if (!base64url_chars(header_b64) || !base64url_chars(payload_b64) ||
        !base64url_chars(signature_b64))
        return fail(std::string("is not a JWS in compact form (three base64url parts)"));
    DecodedToken out;
    auto header = json_part(header_b64);
    if (!header) return fail(std::string("has a header that is not a JSON object"));
    auto claims = json_part(payload_b64);
    if (!claims) return fail(std::string("has claims that are not a JSON object"));
    auto signature = base64url_decode(signature_b64);
    if (!signature) return fail(std::string("has a signature that is not base64url"));
    out.header = std::move(*header);
    out.claims = std::move(*claims);
    out.signature = std::move(*signature);
    if (const auto alg = out.header.find("alg"); alg != out.header.end() && alg->is_string())
        out.alg = alg->get<std::string>();
    if (const auto kid = out.header.find("kid"); kid != out.header.end() && kid->is_string())
        out.kid = kid->get<std::string>();
    out.signing_input = std::string(compact.substr(0, second));
    return out;
}

bool verify_signature(const DecodedToken& token, const PublicKey& key) {
    if (!key.key || parse_alg(token.alg) != key.alg) return false;
    std::string der;
    std::string_view signature = token.signature;
    if (key.alg == Alg::es256) {
        der = raw_to_der(token.signature);
        if (der.empty()) return false;
        signature = der;
    }
    jwt::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(token.signing_input.data()),
                            token.signing_input.size()) == 1;
}

}  // namespace pat::patd::oidc
