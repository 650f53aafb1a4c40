#include "patd/domain/scope.hpp"

#include <algorithm>

namespace pat::patd {

std::optional<TokenScope> parse_token_scope(std::string_view text) {
    if (text == "repo:public_read" || text == "public-read") return TokenScope::public_read;
    if (text == "repo:read" || text == "read") return TokenScope::read;
    if (text == "repo:write" || text == "write") return TokenScope::write;
    if (text == "repo:admin" || text == "delete") return TokenScope::admin;
    return std::nullopt;
}

std::string_view to_string(TokenScope scope) {
    switch (scope) {
        case TokenScope::public_read:
            return "repo:public_read";
        case TokenScope::read:
            return "repo:read";
        case TokenScope::write:
            return "repo:write";
        case TokenScope::admin:
            return "repo:admin";
    }
    return "repo:public_read";
}

std::vector<std::string> scope_actions(TokenScope scope) {
    switch (scope) {
        case TokenScope::public_read:
        case TokenScope::read:
            return {"pull"};
        case TokenScope::write:
            return {"pull", "push"};
        case TokenScope::admin:
            return {"pull", "push", "delete"};
    }
    return {};
}

namespace {
bool has_space(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    });
}
}  // namespace

std::optional<ResourceScope> parse_resource_scope(std::string_view text) {
    if (text.empty() || has_space(text)) return std::nullopt;
    const auto first = text.find(':');
    const auto last = text.rfind(':');
    if (first == std::string_view::npos || first == last) return std::nullopt;
    std::string_view type = text.substr(0, first);
    const std::string_view name = text.substr(first + 1, last - first - 1);
    std::string_view actions = text.substr(last + 1);
    if (type.empty() || name.empty() || actions.empty()) return std::nullopt;

    ResourceScope out;
    const auto open = type.find('(');
    if (open != std::string_view::npos) {
        // "repository(plugin)": the class sits in parentheses at the end.
        if (type.back() != ')' || open == 0 || open + 2 >= type.size()) return std::nullopt;
        out.resource_class = std::string(type.substr(open + 1, type.size() - open - 2));
        type = type.substr(0, open);
        if (out.resource_class.find_first_of("()") != std::string::npos) return std::nullopt;
    } else if (type.find(')') != std::string_view::npos) {
        return std::nullopt;
    }
    out.type = std::string(type);
    out.name = std::string(name);
    while (!actions.empty()) {
        const auto comma = actions.find(',');
        const std::string_view action = actions.substr(0, comma);
        if (action.empty()) return std::nullopt;
        if (std::find(out.actions.begin(), out.actions.end(), action) == out.actions.end())
            out.actions.emplace_back(action);
        if (comma == std::string_view::npos) break;
        actions.remove_prefix(comma + 1);
        if (actions.empty()) return std::nullopt;  // trailing comma
    }
    return out;
}

std::optional<std::vector<ResourceScope>> parse_resource_scopes(std::string_view text) {
    std::vector<ResourceScope> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == ' ') {
            ++pos;
            continue;
        }
        const auto end = std::min(text.find(' ', pos), text.size());
        auto one = parse_resource_scope(text.substr(pos, end - pos));
        if (!one) return std::nullopt;
        out.push_back(std::move(*one));
        pos = end;
    }
    return out;
}

}  // namespace pat::patd
