#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/base64.hpp"
#include "jwt_verify.hpp"
#include "patd/jwt/es256_signer.hpp"
#include "patd/jwt/keygen.hpp"
#include "patd/jwt/openssl_ptr.hpp"
#include "patd/jwt/registry_claims.hpp"

using namespace pat::jwt;
using pat::base64_decode;
using pat::base64_encode;
using pat::base64url_encode;
using namespace pat::test;

namespace {

const SigningMaterial& material() {
    static const SigningMaterial m = [] {
        auto generated = generate_signing_material("patd", 3650);
        REQUIRE(generated.ok());
        return std::move(generated).value();
    }();
    return m;
}

}  // namespace

TEST_CASE("base64 encodes both alphabets and url-safe has no padding", "[patd][jwt]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode(std::string("\xfb\xff", 2)) == "-_8");
    CHECK(base64_encode(std::string("\xfb\xff", 2)) == "+/8=");
    CHECK(base64_decode("Zm9vYmFy") == std::optional<std::string>("foobar"));
    CHECK(base64_decode("Zg==") == std::optional<std::string>("f"));
    CHECK_FALSE(base64_decode("Zm9v!mFy").has_value());
    CHECK_FALSE(base64_decode("Z").has_value());
}

TEST_CASE("a registry token verifies with the certificate and has the 2.8 claim types",
          "[patd][jwt]") {
    auto signer = Es256Signer::from_pem(material().key_pem, material().cert_pem);
    REQUIRE(signer.ok());
    RegistryClaims claims{"patd", "alice", "registry", 1'800'000'000, 300, {}};
    claims.access.push_back({"repository", "", "alice/app", {"pull", "push"}});
    const std::string jws = signer->sign(registry_claims_json(claims, random_jti()));

    const auto parts = split_dots(jws);
    REQUIRE(parts.size() == 3);
    for (const auto& part : parts) {
        CHECK(part.find('=') == std::string::npos);
        CHECK(part.find('+') == std::string::npos);
        CHECK(part.find('/') == std::string::npos);
    }
    const auto signature = b64url_decode(parts[2]);
    CHECK(signature.size() == 64);
    CHECK(verify_es256(material().cert_pem, parts[0] + "." + parts[1], signature));
    // A changed payload must not verify.
    CHECK_FALSE(verify_es256(material().cert_pem, parts[0] + "." + parts[1] + "x", signature));

    const auto header = nlohmann::json::parse(b64url_decode(parts[0]));
    CHECK(header["alg"] == "ES256");
    CHECK(header["typ"] == "JWT");
    REQUIRE(header["x5c"].is_array());
    REQUIRE(header["x5c"].size() == 1);
    // x5c is standard base64 of the DER certificate.
    const auto der = base64_decode(header["x5c"][0].get<std::string>());
    REQUIRE(der.has_value());
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    X509Ptr from_x5c(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
    CHECK(from_x5c != nullptr);

    const auto body = nlohmann::json::parse(b64url_decode(parts[1]));
    CHECK(body["iss"] == "patd");
    CHECK(body["sub"] == "alice");
    CHECK(body["aud"].is_string());
    CHECK(body["aud"] == "registry");
    CHECK(body["exp"].is_number_integer());
    CHECK(body["nbf"].is_number_integer());
    CHECK(body["iat"].is_number_integer());
    CHECK(body["exp"].get<long long>() == 1'800'000'300);
    CHECK(body["jti"].is_string());
    CHECK(body["access"] ==
          nlohmann::json::parse(
              R"([{"type":"repository","name":"alice/app","actions":["pull","push"]}])"));
}

TEST_CASE("an empty grant is an empty access array, and jti differs per token", "[patd][jwt]") {
    RegistryClaims claims{"patd", "", "registry", 1'800'000'000, 60, {}};
    const auto a = registry_claims_json(claims, random_jti());
    const auto b = registry_claims_json(claims, random_jti());
    CHECK(a["access"].is_array());
    CHECK(a["access"].empty());
    CHECK(a["jti"] != b["jti"]);
    claims.access.push_back({"repository", "plugin", "x/y", {"pull"}});
    CHECK(registry_claims_json(claims, "j")["access"][0]["class"] == "plugin");
}

TEST_CASE("the signer refuses a mismatched or non-P-256 key", "[patd][jwt]") {
    auto other = generate_signing_material("other", 1);
    REQUIRE(other.ok());
    CHECK_FALSE(Es256Signer::from_pem(other->key_pem, material().cert_pem).ok());
    CHECK_FALSE(Es256Signer::from_pem("not a key", material().cert_pem).ok());
    CHECK_FALSE(Es256Signer::from_pem(material().key_pem, "not a cert").ok());
    PkeyPtr rsa(EVP_RSA_gen(2048));
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), rsa.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    auto refused = Es256Signer::from_pem(std::string(data, static_cast<std::size_t>(len)),
                                         material().cert_pem);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().find("P-256") != std::string::npos);
}

TEST_CASE("DER ECDSA signatures convert to fixed-width R||S", "[patd][jwt]") {
    EcdsaSigPtr sig(ECDSA_SIG_new());
    // Small r and s need left padding to 32 bytes each.
    BIGNUM* r = nullptr;
    BIGNUM* s = nullptr;
    BN_dec2bn(&r, "1");
    BN_dec2bn(&s, "258");
    ECDSA_SIG_set0(sig.get(), r, s);
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    const std::string raw = ecdsa_der_to_raw(
        std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)), 32);
    OPENSSL_free(der);
    REQUIRE(raw.size() == 64);
    CHECK(raw[31] == '\x01');
    CHECK(raw[62] == '\x01');
    CHECK(raw[63] == '\x02');
    CHECK(raw.substr(0, 31) == std::string(31, '\0'));
    CHECK(ecdsa_der_to_raw("garbage", 32).empty());
}
