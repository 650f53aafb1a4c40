#include "patd/oidc/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "patd/jwt/openssl_ptr.hpp"

namespace pat::patd::oidc {
namespace {

using jwt::BnPtr;
using jwt::OsslDeleter;
using jwt::PkeyCtxPtr;
using nlohmann::json;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM_free>>;

std::optional<std::string> b64_field(const json& jwk, const char* name) {
    const auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) return std::nullopt;
    auto bytes = base64url_decode(it->get<std::string>());
    if (!bytes || bytes->empty()) return std::nullopt;
    return bytes;
}

BnPtr to_bn(const std::string& bytes) {
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
}

// Builds a public EVP_PKEY of `type` ("RSA", "EC") from parameters.
std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* bld) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    if (!params) return nullptr;
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
    std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
    // Rejects an EC point that is not on the curve (invalid-curve attacks).
    PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
    return key;
}

std::shared_ptr<EVP_PKEY> rsa_key(const json& jwk, const JwksLimits& limits) {
    const auto n = b64_field(jwk, "n");
    const auto e = b64_field(jwk, "e");
    if (!n || !e || e->size() > 8) return nullptr;
    auto bn_n = to_bn(*n);
    auto bn_e = to_bn(*e);
    if (!bn_n || !bn_e) return nullptr;
    const int bits = BN_num_bits(bn_n.get());
    if (bits < limits.min_rsa_bits || bits > limits.max_rsa_bits) return nullptr;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        return nullptr;
    return from_params("RSA", bld.get());
}

std::shared_ptr<EVP_PKEY> p256_key(const json& jwk) {
    const auto crv = jwk.find("crv");
    if (crv == jwk.end() || !crv->is_string() || crv->get<std::string>() != "P-256") return nullptr;
    const auto x = b64_field(jwk, "x");
    const auto y = b64_field(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
    std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
        return nullptr;
    return from_params("EC", bld.get());
}

std::optional<PublicKey> key_from(const json& jwk, const JwksLimits& limits) {
    if (!jwk.is_object()) return std::nullopt;
    const auto kid = jwk.find("kid");
    const auto kty = jwk.find("kty");
    if (kid == jwk.end() || !kid->is_string() || kid->get<std::string>().empty() ||
        kid->get<std::string>().size() > 256 || kty == jwk.end() || !kty->is_string())
        return std::nullopt;
    // A key published for encryption must not verify signatures.
    if (const auto use = jwk.find("use"); use != jwk.end() && *use != "sig") return std::nullopt;
    std::optional<Alg> declared;
    if (const auto alg = jwk.find("alg"); alg != jwk.end()) {
        if (!alg->is_string()) return std::nullopt;
        declared = parse_alg(alg->get<std::string>());
        if (!declared) return std::nullopt;  // e.g. RS512: a key we will not use
    }
    PublicKey out;
    out.kid = kid->get<std::string>();
    if (*kty == "RSA") {
        out.alg = Alg::rs256;
        out.key = rsa_key(jwk, limits);
    } else if (*kty == "EC") {
        out.alg = Alg::es256;
        out.key = p256_key(jwk);
    }
    if (!out.key || (declared && *declared != out.alg)) return std::nullopt;
    return out;
}

}  // namespace

std::optional<Alg> parse_alg(std::string_view text) {
    if (text == "RS256") return Alg::rs256;
    if (text == "ES256") return Alg::es256;
    return std::nullopt;
}

std::string_view to_string(Alg alg) {
    return alg == Alg::rs256 ? "RS256" : "ES256";
}

std::optional<PublicKey> parse_jwk(std::string_view text, const JwksLimits& limits) {
    const auto jwk = json::parse(text, nullptr, false);
    if (jwk.is_discarded()) return std::nullopt;
    return key_from(jwk, limits);
}

Result<std::vector<PublicKey>, std::string> parse_jwks(std::string_view text,
                                                       const JwksLimits& limits) {
    const auto doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(std::string("JWKS is not a JSON object"));
    const auto keys = doc.find("keys");
    if (keys == doc.end() || !keys->is_array())
        return fail(std::string("JWKS has no \"keys\" array"));
    if (keys->size() > limits.max_keys)
        return fail("JWKS has " + std::to_string(keys->size()) + " keys (at most " +
                    std::to_string(limits.max_keys) + ")");
    std::vector<PublicKey> out;
    for (const auto& jwk : *keys)
        if (auto key = key_from(jwk, limits)) out.push_back(std::move(*key));
    return out;
}

}  // namespace pat::patd::oidc
