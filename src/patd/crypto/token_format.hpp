#pragma once
// Making personal access tokens. Their format (prefix, base62 random part,
// CRC32 checksum) and the shape check are shared with the helper, in
// common/pat_format.hpp (docs/patd-core.md "Tokens").

#include <string_view>

#include "common/pat_format.hpp"
#include "common/secret.hpp"
#include "patd/crypto/random.hpp"

namespace pat::patd {

// A fresh token from `random` (rejection sampling, so every char is uniform).
Secret generate_token(std::string_view prefix, RandomSource& random);

}  // namespace pat::patd
