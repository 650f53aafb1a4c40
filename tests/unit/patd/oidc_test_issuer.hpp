#pragma once
// Test helpers for keyless CI: an in-process OIDC issuer (RSA and P-256
// keys, their JWKS, ID tokens signed RS256/ES256 with chosen claims) and a
// scripted Fetcher that serves its discovery document and JWKS and counts
// requests. Signing here uses OpenSSL directly, apart from patd's verifier.

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "common/base64.hpp"
#include "patd/jwt/openssl_ptr.hpp"
#include "patd/oidc/fetcher.hpp"

namespace oidc_test {

using nlohmann::json;
using pat::base64url_encode;

inline std::string bn_bytes(const EVP_PKEY* key, const char* name, int pad = 0) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
    pat::jwt::BnPtr owned(bn);
    const int size = std::max(pad, BN_num_bytes(bn));
    std::string out(static_cast<std::size_t>(size), '\0');
    REQUIRE(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) == size);
    return out;
}

struct TestKey {
    std::string kid;
    bool ec = false;
    std::shared_ptr<EVP_PKEY> key;

    static TestKey rsa(std::string kid, int bits = 2048) {
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
        REQUIRE(k);
        return TestKey{std::move(kid), false, std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free)};
    }
    static TestKey p256(std::string kid) {
        EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        REQUIRE(k);
        return TestKey{std::move(kid), true, std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free)};
    }

    json jwk() const {
        if (!ec)
            return {{"kty", "RSA"},
                    {"kid", kid},
                    {"use", "sig"},
                    {"alg", "RS256"},
                    {"n", base64url_encode(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                    {"e", base64url_encode(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
        return {{"kty", "EC"},
                {"kid", kid},
                {"crv", "P-256"},
                {"x", base64url_encode(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                {"y", base64url_encode(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
    }

    // The JWS signature of `input` (raw R‖S for ES256).
    std::string sign(const std::string& input) const {
        pat::jwt::MdCtxPtr ctx(EVP_MD_CTX_new());
        REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
        size_t len = 0;
        const auto* data = reinterpret_cast<const unsigned char*>(input.data());
        REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) == 1);
        std::string sig(len, '\0');
        REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                               input.size()) == 1);
        sig.resize(len);
        if (!ec) return sig;
        const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
        pat::jwt::EcdsaSigPtr parsed(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
        REQUIRE(parsed);
        std::string raw(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), reinterpret_cast<unsigned char*>(&raw[0]), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), reinterpret_cast<unsigned char*>(&raw[32]),
                     32);
        return raw;
    }

    // A compact JWS of `claims`; `header` entries override alg/kid/typ.
    std::string token(const json& claims, const json& header = json::object()) const {
        json h = {{"alg", ec ? "ES256" : "RS256"}, {"kid", kid}, {"typ", "JWT"}};
        for (const auto& [k, v] : header.items()) h[k] = v;
        const std::string input =
            base64url_encode(h.dump()) + "." + base64url_encode(claims.dump());
        return input + "." + base64url_encode(sign(input));
    }
};

inline json jwks_of(std::initializer_list<const TestKey*> keys) {
    json out = json::array();
    for (const auto* k : keys) out.push_back(k->jwk());
    return {{"keys", out}};
}

// Serves URL -> (status, body); anything else fails like a refused
// connection. Thread-safe; counts every request.
class FakeFetcher final : public pat::patd::oidc::Fetcher {
  public:
    struct Reply {
        long status = 200;
        std::string body;
        std::optional<std::chrono::seconds> max_age;
    };
    void serve(const std::string& url, Reply reply) {
        std::lock_guard lock(m_mutex);
        m_replies[url] = std::move(reply);
    }
    void drop(const std::string& url) {
        std::lock_guard lock(m_mutex);
        m_replies.erase(url);
    }
    // An issuer at `base` with discovery and a JWKS at base + "/jwks".
    void issuer(const std::string& base, const json& jwks) {
        serve(base + "/.well-known/openid-configuration",
              {200, json{{"issuer", base}, {"jwks_uri", base + "/jwks"}}.dump(), std::nullopt});
        serve(base + "/jwks", {200, jwks.dump(), std::nullopt});
    }
    int requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

    pat::Result<pat::patd::oidc::Fetched, std::string> get(
        const std::string& url, const pat::patd::oidc::FetchLimits&) override {
        std::lock_guard lock(m_mutex);
        ++m_requests;
        const auto it = m_replies.find(url);
        if (it == m_replies.end())
            return pat::fail(pat::patd::oidc::url_origin_of(url) + ": connection refused");
        return pat::patd::oidc::Fetched{it->second.status, it->second.body, it->second.max_age};
    }

  private:
    mutable std::mutex m_mutex;
    std::map<std::string, Reply> m_replies;
    int m_requests = 0;
};

}  // namespace oidc_test
