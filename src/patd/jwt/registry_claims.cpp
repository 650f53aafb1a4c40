#include "patd/jwt/registry_claims.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "common/base64.hpp"

namespace pat::jwt {

nlohmann::json registry_claims_json(const RegistryClaims& claims, const std::string& jti) {
    nlohmann::json access = nlohmann::json::array();
    for (const auto& entry : claims.access) {
        nlohmann::json item = {
            {"type", entry.type}, {"name", entry.name}, {"actions", entry.actions}};
        if (!entry.resource_class.empty()) item["class"] = entry.resource_class;
        access.push_back(std::move(item));
    }
    return {{"iss", claims.issuer},
            {"sub", claims.subject},
            {"aud", claims.audience},
            {"exp", claims.issued_at + claims.ttl_seconds},
            {"nbf", claims.issued_at},
            {"iat", claims.issued_at},
            {"jti", jti},
            {"access", std::move(access)}};
}

std::string random_jti() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("CSPRNG failure");
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace pat::jwt
