#pragma once
// Two kinds of scope:
//  - TokenScope: what a personal access token may do (Docker Hub's four
//    hierarchical levels repo:public_read < repo:read < repo:write < repo:admin);
//  - ResourceScope: one registry request scope, grammar
//    `type[(class)]:name:action[,action...]` (docs/registry-token.md).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pat::patd {

enum class TokenScope { public_read = 0, read = 1, write = 2, admin = 3 };

// Accepts the API values ("repo:public_read", "repo:read", "repo:write",
// "repo:admin") and the CLI aliases ("public-read", "read", "write",
// "delete"); anything else is nullopt.
std::optional<TokenScope> parse_token_scope(std::string_view text);
// The API value, e.g. "repo:write".
std::string_view to_string(TokenScope scope);
// Registry repository actions the scope allows before repository access is
// considered: public_read/read -> pull; write -> pull,push; admin ->
// pull,push,delete.
std::vector<std::string> scope_actions(TokenScope scope);

struct ResourceScope {
    std::string type;                  // "repository", "registry", ...
    std::string resource_class;        // "" or e.g. "plugin" from "repository(plugin)"
    std::string name;                  // may contain ':' (host:port/...) and '/'
    std::vector<std::string> actions;  // in request order, without duplicates
    bool operator==(const ResourceScope&) const = default;
};

// Parses one scope. The type ends at the first ':' and the actions start
// after the last ':'; type, name and action list must be non-empty and
// free of whitespace. Returns nullopt when malformed.
std::optional<ResourceScope> parse_resource_scope(std::string_view text);
// Splits a space-separated scope list (the OAuth2 POST form, or a challenge
// with several scopes) and parses each; nullopt if any item is malformed.
std::optional<std::vector<ResourceScope>> parse_resource_scopes(std::string_view text);

}  // namespace pat::patd
