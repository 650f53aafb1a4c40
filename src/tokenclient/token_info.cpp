#include "tokenclient/token_info.hpp"

#include <array>
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
    return format_rfc3339(std::chrono::floor<std::chrono::microseconds>(t), Rfc3339Fraction::none);
}

std::optional<TimePoint> parse_time(std::string_view s) {
    const auto parsed = parse_rfc3339(s);
    if (!parsed) return std::nullopt;
    return TimePoint(std::chrono::floor<std::chrono::seconds>(*parsed).time_since_epoch());
}

}  // namespace pat::tokenclient
