#include "helper/commands/token_views.hpp"

#include "helper/commands/parse_values.hpp"

namespace pat::helper::cmd {
namespace {

using tokenclient::TokenInfo;
using tokenclient::TokenState;

nlohmann::ordered_json time_or_null(const std::optional<tokenclient::TimePoint>& t) {
    if (!t) return nullptr;
    return tokenclient::format_time(*t);
}

std::string scopes_text(const TokenInfo& info) {
    std::string out;
    for (const auto& s : info.scopes) {
        if (!out.empty()) out += ',';
        out += cli_scope_from_patd(s);
    }
    return out;
}

}  // namespace

nlohmann::ordered_json token_json(const TokenInfo& info) {
    nlohmann::ordered_json scopes = nlohmann::ordered_json::array();
    for (const auto& s : info.scopes) scopes.push_back(cli_scope_from_patd(s));
    return {{"uuid", info.uuid},
            {"label", info.label},
            {"scopes", scopes},
            {"status", tokenclient::to_string(info.state)},
            {"source", info.generated_by.empty() ? "manual" : info.generated_by},
            {"created_at", time_or_null(info.created_at)},
            {"last_used", time_or_null(info.last_used)},
            {"expires_at", time_or_null(info.expires_at)}};
}

TableRow token_table_header() {
    return {"LABEL", "SCOPES", "STATUS", "SOURCE", "CREATED", "LAST USED", "EXPIRES", "UUID"};
}

TableRow token_table_row(const TokenInfo& info) {
    return {info.label,
            scopes_text(info),
            std::string(tokenclient::to_string(info.state)),
            info.generated_by.empty() ? "manual" : info.generated_by,
            short_time(info.created_at, "-"),
            short_time(info.last_used, "never"),
            short_time(info.expires_at, "never"),
            info.uuid};
}

std::string token_counts(const std::vector<TokenInfo>& tokens) {
    std::size_t active = 0;
    for (const auto& t : tokens) active += t.state == TokenState::active ? 1 : 0;
    return std::to_string(active) + " active, " + std::to_string(tokens.size() - active) +
           " inactive";
}

cred::Result<TokenInfo> find_token(const std::vector<TokenInfo>& tokens, const std::string& ref) {
    for (const auto& t : tokens) {
        if (t.uuid == ref) return t;
    }
    const TokenInfo* found = nullptr;
    int matches = 0;
    for (const auto& t : tokens) {
        if (t.label == ref) {
            found = &t;
            ++matches;
        }
    }
    if (matches == 1) return *found;
    if (matches == 0) {
        return fail(
            cred::Error{cred::Errc::not_found, "no token with uuid or label '" + ref + "'"});
    }
    return fail(cred::Error{cred::Errc::service_rejected, "the label '" + ref + "' is used by " +
                                                              std::to_string(matches) +
                                                              " tokens; give the uuid instead"});
}

}  // namespace pat::helper::cmd
