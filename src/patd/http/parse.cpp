#include "patd/http/parse.hpp"

#include <algorithm>
#include <cctype>

#include "common/base64.hpp"

namespace pat::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Splits "Scheme credentials" and returns the credentials when the scheme
// matches one of `schemes` (case-insensitive).
std::optional<std::string_view> credentials_for(std::string_view authorization,
                                                std::initializer_list<std::string_view> schemes) {
    const auto space = authorization.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const std::string_view scheme = authorization.substr(0, space);
    std::string_view rest = authorization.substr(space + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    for (auto s : schemes) {
        if (iequals(scheme, s) && !rest.empty()) return rest;
    }
    return std::nullopt;
}

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(sep, start), text.size());
        out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace

std::optional<Params> parse_form(std::string_view text) {
    Params params;
    if (text.empty()) return params;
    for (const auto& piece : split(text, '&')) {
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        auto key = percent_decode(std::string_view(piece).substr(0, eq), true);
        auto value = eq == std::string::npos
                         ? std::optional<std::string>("")
                         : percent_decode(std::string_view(piece).substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        params.emplace_back(std::move(*key), std::move(*value));
    }
    return params;
}

std::optional<std::string> first_param(const Params& params, std::string_view key) {
    for (const auto& [k, v] : params) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::vector<std::string> all_params(const Params& params, std::string_view key) {
    std::vector<std::string> out;
    for (const auto& [k, v] : params) {
        if (k == key) out.push_back(v);
    }
    return out;
}

std::optional<patd::BasicCredentials> parse_basic_auth(std::string_view authorization) {
    const auto encoded = credentials_for(authorization, {"Basic"});
    if (!encoded) return std::nullopt;
    auto decoded = base64_decode(*encoded);
    if (!decoded) return std::nullopt;
    Secret whole(std::move(*decoded));
    const std::string_view text = whole.reveal();
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    return patd::BasicCredentials{std::string(text.substr(0, colon)),
                                  Secret::copy_of(text.substr(colon + 1))};
}

std::optional<Secret> parse_bearer_auth(std::string_view authorization) {
    const auto token = credentials_for(authorization, {"Bearer", "JWT"});
    if (!token) return std::nullopt;
    return Secret::copy_of(*token);
}

}  // namespace pat::http
