#pragma once
// The data directory and the secret files in it: created private (dir 0700,
// files 0600), written atomically (a crash never leaves half a key), and
// never overwritten once they exist (two processes starting at once agree
// on one key).

#include <string>

#include "common/result.hpp"
#include "common/secret.hpp"
#include "patd/jwt/keygen.hpp"

namespace pat::patd::config {

// mkdir -p `dir`; the last component is created (or tightened to) 0700.
Result<void, std::string> ensure_private_dir(const std::string& dir);

// The whole content of `path`.
Result<std::string, std::string> read_file(const std::string& path);

// Creates `path` with mode 0600 holding `bytes`, atomically. Fails if it
// exists already (the caller reads the existing file instead).
Result<void, std::string> create_private_file(const std::string& path, std::string_view bytes);

// <dir>/pepper: 32 random bytes, created on first use.
Result<Secret, std::string> load_or_create_pepper(const std::string& dir);

// The signing key and certificate: from the given paths when both are set,
// else <dir>/signing-key.pem and <dir>/signing-cert.pem (creating <dir>), generated (P-256,
// self-signed, CN=patd, 10 years) on first use. `generated` tells whether
// this call created them.
struct SigningFiles {
    std::string key_path;
    std::string cert_path;
    jwt::SigningMaterial material;
    bool generated = false;
};
Result<SigningFiles, std::string> load_or_create_signing(const std::string& dir,
                                                         const std::string& key_path,
                                                         const std::string& cert_path);

}  // namespace pat::patd::config
