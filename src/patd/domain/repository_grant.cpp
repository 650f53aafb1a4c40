#include "patd/domain/repository_grant.hpp"

#include <algorithm>

#include "patd/domain/repository_name.hpp"

namespace pat::patd {

namespace {
const std::vector<std::string> k_grant_actions = {"pull", "push", "delete"};

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The name part of a pattern: "alice" for "alice/*", the name itself
// otherwise.
std::string_view pattern_base(std::string_view pattern) {
    if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == "/*")
        return pattern.substr(0, pattern.size() - 2);
    return pattern;
}

bool is_prefix_pattern(std::string_view pattern) {
    return pattern_base(pattern) != pattern;
}
}  // namespace

Result<RepositoryGrant, std::string> make_repository_grant(
    std::string_view pattern, const std::vector<std::string>& actions) {
    if (pattern.empty()) return fail(std::string("grant pattern is empty"));
    if (!is_valid_repository_name(pattern_base(pattern)))
        return fail("grant pattern \"" + std::string(pattern) +
                    "\" is not a repository name or a name followed by /*");
    if (actions.empty())
        return fail("grant \"" + std::string(pattern) + "\" has no actions (pull, push, delete)");
    for (const auto& a : actions)
        if (!contains(k_grant_actions, a))
            return fail("unknown grant action \"" + a + "\" (pull, push, delete)");
    RepositoryGrant grant{std::string(pattern), {}};
    for (const auto& a : k_grant_actions)
        if (contains(actions, a)) grant.actions.push_back(a);
    return grant;
}

Result<RepositoryGrant, std::string> parse_repository_grant(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return fail("grant \"" + std::string(text) +
                    "\" is not PATTERN=ACTIONS, e.g. alice/app=push,pull");
    std::vector<std::string> actions;
    std::string_view rest = text.substr(eq + 1);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        actions.emplace_back(rest.substr(0, comma));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
        if (rest.empty()) actions.emplace_back();  // a trailing comma is an empty action
    }
    return make_repository_grant(text.substr(0, eq), actions);
}

std::string to_string(const RepositoryGrant& grant) {
    std::string out = grant.pattern + "=";
    for (std::size_t i = 0; i < grant.actions.size(); ++i) {
        if (i > 0) out += ',';
        out += grant.actions[i];
    }
    return out;
}

bool grant_pattern_matches(std::string_view pattern, std::string_view name) {
    if (!is_prefix_pattern(pattern)) return pattern == name;
    const std::string_view base = pattern_base(pattern);
    // "alice/*" covers "alice/x" and "alice/x/y", never "alice" or "alicex/y".
    return name.size() > base.size() + 1 && name.substr(0, base.size()) == base &&
           name[base.size()] == '/';
}

std::vector<std::string> granted_actions(const std::vector<RepositoryGrant>& grants,
                                         std::string_view name) {
    std::vector<std::string> out;
    for (const auto& a : k_grant_actions)
        for (const auto& g : grants)
            if (grant_pattern_matches(g.pattern, name) && contains(g.actions, a)) {
                out.push_back(a);
                break;
            }
    return out;
}

std::vector<std::string> intersect_actions(const std::vector<std::string>& a,
                                           const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (contains(b, x) && !contains(out, x)) out.push_back(x);
    return out;
}

}  // namespace pat::patd
