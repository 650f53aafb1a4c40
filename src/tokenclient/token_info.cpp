#include "tokenclient/token_info.hpp"

#include <array>
#include <cstdio>
#include <utility>

#include "common/rfc3339.hpp"

namespace pat::tokenclient {
namespace {

constexpr std::array<std::pair<TokenState, std::string_view>, 6> k_states{{
    {TokenState::unknown, "unknown"},
    {TokenState::active, "active"},
    {TokenState::inactive, "inactive"},
    {TokenState::expired, "expired"},
    {TokenState::deleted, "deleted"},
    {TokenState::invalid, "invalid"},
}};

constexpr std::array<std::pair<ServiceKind, std::string_view>, 3> k_kinds{{
    {ServiceKind::none, "none"},
    {ServiceKind::patd, "patd"},
    {ServiceKind::registry, "registry"},
}};

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

std::string_view to_string(TokenState state) {
    for (const auto& [s, name] : k_states) {
        if (s == state) return name;
    }
    return "unknown";
}

std::optional<TokenState> parse_token_state(std::string_view text) {
    for (const auto& [s, name] : k_states) {
        if (name == text) return s;
    }
    return std::nullopt;
}

bool is_revoked(TokenState state) {
    return state == TokenState::inactive || state == TokenState::expired ||
           state == TokenState::deleted || state == TokenState::invalid;
}

std::string_view to_string(ServiceKind kind) {
    for (const auto& [k, name] : k_kinds) {
        if (k == kind) return name;
    }
    return "none";
}

std::optional<ServiceKind> parse_service_kind(std::string_view text) {
    for (const auto& [k, name] : k_kinds) {
        if (name == text) return k;
    }
    return std::nullopt;
}

bool is_past_expiry(const TokenInfo& info, TimePoint now) {
    return info.expires_at && now >= *info.expires_at;
}

std::string format_time(TimePoint t) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(t);
    const auto day = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(secs - day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

std::optional<TimePoint> parse_time(std::string_view s) {
    const auto parsed = parse_rfc3339(s);
    if (!parsed) return std::nullopt;
    return TimePoint(std::chrono::floor<std::chrono::seconds>(*parsed).time_since_epoch());
}

cred::Metadata to_metadata(const TokenInfo& info) {
    cred::Metadata m;
    m["pat_state"] = std::string(to_string(info.state));
    if (info.kind != ServiceKind::none) m["pat_kind"] = std::string(to_string(info.kind));
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
    info.state = parse_token_state(get(m, "pat_state")).value_or(TokenState::unknown);
    info.kind = parse_service_kind(get(m, "pat_kind")).value_or(ServiceKind::none);
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

}  // namespace pat::tokenclient
