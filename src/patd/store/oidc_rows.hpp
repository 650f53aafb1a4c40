#pragma once
// Column encodings of the OIDC tables shared by the SQLite and PostgreSQL
// stores: a policy's claim conditions are a JSON object in a TEXT column.

#include <map>
#include <string>
#include <string_view>

#include "patd/domain/scope.hpp"

namespace pat::patd {

inline constexpr const char* k_issuer_in_use =
    "the issuer is named by trust policies; remove them first";

std::string claims_to_json(const std::map<std::string, std::string>& claims);
// Throws std::runtime_error for a corrupt column (only patd writes it).
std::map<std::string, std::string> claims_from_json(std::string_view text);
TokenScope scope_from_column(std::string_view text);

}  // namespace pat::patd
