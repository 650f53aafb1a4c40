#include "patd/oidc/claims_check.hpp"

#include <cmath>

namespace pat::patd::oidc {
namespace {

using nlohmann::json;

std::optional<double> numeric_date(const json& claims, const char* name) {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

bool value_matches(const std::string& pattern, const json& value) {
    if (value.is_array()) {
        for (const auto& element : value)
            if (const auto text = claim_text(element); text && glob_match(pattern, *text))
                return true;
        return false;
    }
    const auto text = claim_text(value);
    return text && glob_match(pattern, *text);
}

}  // namespace

std::optional<std::string> check_issuer(const json& claims, std::string_view issuer) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string()) return "has no iss claim";
    if (iss->get<std::string>() != issuer) return "iss does not name the issuer";
    return std::nullopt;
}

std::optional<std::string> check_audience(const json& claims, std::string_view audience) {
    const auto aud = claims.find("aud");
    if (aud == claims.end()) return "has no aud claim";
    if (aud->is_string() && aud->get<std::string>() == audience) return std::nullopt;
    if (aud->is_array())
        for (const auto& a : *aud)
            if (a.is_string() && a.get<std::string>() == audience) return std::nullopt;
    return "aud does not contain '" + std::string(audience) + "'";
}

std::optional<std::string> check_times(const json& claims,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds skew) {
    const double t = std::chrono::duration<double>(now.time_since_epoch()).count();
    const double s = static_cast<double>(skew.count());
    const auto exp = numeric_date(claims, "exp");
    if (!exp) return "has no numeric exp claim";
    if (*exp <= t - s) return "has expired (exp)";
    if (*exp > t + std::chrono::duration<double>(k_max_id_token_lifetime).count())
        return "is valid for more than 7 days (exp)";
    if (claims.contains("nbf")) {
        const auto nbf = numeric_date(claims, "nbf");
        if (!nbf) return "has a nbf claim that is not a number";
        if (*nbf > t + s) return "is not valid yet (nbf)";
    }
    const auto iat = numeric_date(claims, "iat");
    if (!iat) return "has no numeric iat claim";
    if (*iat > t + s) return "was issued in the future (iat)";
    return std::nullopt;
}

std::optional<std::string> check_jti(const json& claims) {
    const auto jti = claims.find("jti");
    if (jti == claims.end() || !jti->is_string() || jti->get<std::string>().empty())
        return "has no jti claim (needed to refuse replays)";
    if (jti->get<std::string>().size() > k_max_jti_size) return "has a jti longer than 256 bytes";
    return std::nullopt;
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher with one backtrack point (the last '*'): linear in
    // practice, never exponential.
    std::size_t p = 0, t = 0;
    std::size_t star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = ++p;
            star_text = t;
            continue;
        }
        if (p < pattern.size()) {
            char want = pattern[p];
            std::size_t step = 1;
            bool any = want == '?';
            if (want == '\\' && p + 1 < pattern.size()) {
                want = pattern[p + 1];
                step = 2;
                any = false;
            }
            if (any || want == text[t]) {
                p += step;
                ++t;
                continue;
            }
        }
        if (star == std::string_view::npos) return false;
        p = star;
        t = ++star_text;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::optional<std::string> claim_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean() || value.is_number()) return value.dump();
    return std::nullopt;
}

std::optional<std::string> first_unmatched(const std::map<std::string, std::string>& conditions,
                                           const json& claims) {
    for (const auto& [claim, pattern] : conditions) {
        const auto it = claims.find(claim);
        if (it == claims.end() || !value_matches(pattern, *it)) return claim;
    }
    return std::nullopt;
}

}  // namespace pat::patd::oidc
