#pragma once
// First-start signing material: a P-256 key and a self-signed certificate that
// a registry's rootcertbundle can hold directly (the x5c leaf may be the
// bundle certificate itself, docs/registry-token.md "The JWT").

#include <string>

#include "common/result.hpp"

namespace pat::jwt {

struct SigningMaterial {
    std::string key_pem;   // PKCS#8 PEM; secret, write it 0600
    std::string cert_pem;  // X.509 PEM
};

// Generates a fresh key and a self-signed certificate with subject
// CN=`common_name`, valid from one hour ago (clock skew) for `valid_days`.
Result<SigningMaterial, std::string> generate_signing_material(const std::string& common_name,
                                                               int valid_days);

}  // namespace pat::jwt
