#include "patd/store/oidc_rows.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace pat::patd {

std::string claims_to_json(const std::map<std::string, std::string>& claims) {
    return nlohmann::json(claims).dump();
}

std::map<std::string, std::string> claims_from_json(std::string_view text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    std::map<std::string, std::string> out;
    if (!j.is_object()) throw std::runtime_error("corrupt policy row: claims");
    for (const auto& [k, v] : j.items()) {
        if (!v.is_string()) throw std::runtime_error("corrupt policy row: claims");
        out[k] = v.get<std::string>();
    }
    return out;
}

TokenScope scope_from_column(std::string_view text) {
    const auto scope = parse_token_scope(text);
    if (!scope) throw std::runtime_error("corrupt policy row: unknown scope");
    return *scope;
}

}  // namespace pat::patd
