#pragma once
// Per-repository grants: what a token may do, repository by repository,
// without Docker Hub's stacked levels (docs/patd-core.md "Repository
// grants"). A grant is a pattern and a set of actions; `push` does not imply
// `pull`. Patterns are an exact repository name ("alice/app") or a
// namespace prefix with a trailing "/*" ("alice/*"), which matches every
// repository below it at any depth, but not "alice" itself.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace pat::patd {

struct RepositoryGrant {
    std::string pattern;
    std::vector<std::string> actions;  // a subset of pull, push, delete, in that order
    bool operator==(const RepositoryGrant&) const = default;
};

// Checks and normalises one grant: the pattern must be a valid repository
// name, optionally followed by "/*"; the actions must be non-empty and each
// one of pull, push, delete (duplicates are merged). The error is the
// message users see (API 400 and CLI), e.g. `unknown grant action "pul"
// (pull, push, delete)`.
Result<RepositoryGrant, std::string> make_repository_grant(std::string_view pattern,
                                                           const std::vector<std::string>& actions);
// Parses the CLI form "alice/app=push,pull".
Result<RepositoryGrant, std::string> parse_repository_grant(std::string_view text);
// The CLI form again, e.g. "alice/app=pull,push" (also how `check` and the
// token list show a grant).
std::string to_string(const RepositoryGrant& grant);

// True when `pattern` (already checked) covers repository `name`.
bool grant_pattern_matches(std::string_view pattern, std::string_view name);
// The actions the grants allow on `name`: the union over every matching
// grant, in pull, push, delete order. Empty when none matches.
std::vector<std::string> granted_actions(const std::vector<RepositoryGrant>& grants,
                                         std::string_view name);
// The actions in both lists, in the order of `a`.
std::vector<std::string> intersect_actions(const std::vector<std::string>& a,
                                           const std::vector<std::string>& b);

}  // namespace pat::patd
