#pragma once
// How the `tokens` commands show patd's tokens: JSON objects for scripts,
// table rows for people, and finding a token by uuid or unique label. Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "credentials/errors.hpp"
#include "helper/commands/table.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper::cmd {

// {uuid,label,scopes (CLI names),status,source,created_at,last_used,expires_at}
nlohmann::ordered_json token_json(const tokenclient::TokenInfo& info);

// The list table's header and one row per token.
TableRow token_table_header();
TableRow token_table_row(const tokenclient::TokenInfo& info);

// "N active, M inactive" (expired and deactivated tokens are inactive).
std::string token_counts(const std::vector<tokenclient::TokenInfo>& tokens);

// The token whose uuid is `ref`, else the one whose label is `ref`.
// Errors (bad_input): none matches; the label is not unique.
cred::Result<tokenclient::TokenInfo> find_token(const std::vector<tokenclient::TokenInfo>& tokens,
                                                const std::string& ref);

}  // namespace pat::helper::cmd
