#include "helper/state/token_metadata.hpp"

#include <string>
#include <vector>

namespace pat::helper {
namespace {

using tokenclient::format_time;
using tokenclient::parse_time;
using tokenclient::TokenInfo;

void put(cred::Metadata& m, const char* key, const std::string& value) {
    if (!value.empty()) m[key] = value;
}

std::string get(const cred::Metadata& m, const char* key) {
    auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
}

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = text.find(' ', pos);
        const std::size_t stop = end == std::string::npos ? text.size() : end;
        if (stop > pos) words.push_back(text.substr(pos, stop - pos));
        pos = stop + 1;
    }
    return words;
}

}  // namespace

cred::Metadata to_metadata(const TokenInfo& info) {
    cred::Metadata m;
    m["pat_state"] = std::string(tokenclient::to_string(info.state));
    if (info.kind != tokenclient::ServiceKind::none)
        m["pat_kind"] = std::string(tokenclient::to_string(info.kind));
    put(m, "pat_service", info.service_url);
    std::string scopes;
    for (const auto& scope : info.scopes) scopes += (scopes.empty() ? "" : " ") + scope;
    put(m, "pat_scopes", scopes);
    put(m, "pat_uuid", info.uuid);
    put(m, "pat_label", info.label);
    put(m, "pat_owner", info.owner);
    put(m, "pat_generated_by", info.generated_by);
    if (info.expires_at) m["pat_expires_at"] = format_time(*info.expires_at);
    if (info.last_used) m["pat_last_used"] = format_time(*info.last_used);
    if (info.checked_at) m["pat_checked_at"] = format_time(*info.checked_at);
    put(m, "pat_reason", info.reason);
    put(m, "pat_gen", info.generation);
    return m;
}

TokenInfo from_metadata(const cred::Metadata& m) {
    TokenInfo info;
    info.state = tokenclient::parse_token_state(get(m, "pat_state"))
                     .value_or(tokenclient::TokenState::unknown);
    info.kind = tokenclient::parse_service_kind(get(m, "pat_kind"))
                    .value_or(tokenclient::ServiceKind::none);
    info.service_url = get(m, "pat_service");
    info.scopes = split_words(get(m, "pat_scopes"));
    info.uuid = get(m, "pat_uuid");
    info.label = get(m, "pat_label");
    info.owner = get(m, "pat_owner");
    info.generated_by = get(m, "pat_generated_by");
    info.expires_at = parse_time(get(m, "pat_expires_at"));
    info.last_used = parse_time(get(m, "pat_last_used"));
    info.checked_at = parse_time(get(m, "pat_checked_at"));
    info.reason = get(m, "pat_reason");
    info.generation = get(m, "pat_gen");
    return info;
}

}  // namespace pat::helper
