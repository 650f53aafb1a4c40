#include "patd/crypto/session_token.hpp"

#include <nlohmann/json.hpp>

#include "patd/crypto/hmac.hpp"

namespace pat::patd {

namespace {
const std::string k_header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");

std::string_view kind_name(SessionKind kind) {
    return kind == SessionKind::session ? "session" : "login_2fa";
}

long long unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}
}  // namespace

std::string sign_session(const SessionClaims& claims, const Secret& key) {
    nlohmann::json body = {
        {"knd", kind_name(claims.kind)},
        {"uid", claims.account_id},
        {"sub", claims.username},
        {"iat", unix_seconds(claims.issued_at)},
        {"exp", unix_seconds(claims.expires_at)},
        {"jti", claims.jti},
    };
    if (!claims.pat_uuid.empty()) body["pat"] = claims.pat_uuid;
    std::string signing_input = k_header + "." + base64url_encode(body.dump());
    const std::string mac = hmac_sha256(key.reveal(), signing_input);
    return signing_input + "." + base64url_encode(mac);
}

std::optional<SessionClaims> verify_session(std::string_view token, SessionKind kind,
                                            const Secret& key,
                                            std::chrono::system_clock::time_point now) {
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    if (dot1 == std::string_view::npos || dot1 == dot2) return std::nullopt;
    if (token.substr(0, dot1) != k_header) return std::nullopt;
    std::string mac;
    if (!base64url_decode(token.substr(dot2 + 1), mac)) return std::nullopt;
    if (!constant_time_equal(mac, hmac_sha256(key.reveal(), token.substr(0, dot2))))
        return std::nullopt;
    std::string text;
    if (!base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), text)) return std::nullopt;
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (!body.is_object()) return std::nullopt;
    try {
        if (body.at("knd").get<std::string>() != kind_name(kind)) return std::nullopt;
        SessionClaims c;
        c.kind = kind;
        c.account_id = body.at("uid").get<std::int64_t>();
        c.username = body.at("sub").get<std::string>();
        c.issued_at = std::chrono::system_clock::time_point(
            std::chrono::seconds(body.at("iat").get<long long>()));
        c.expires_at = std::chrono::system_clock::time_point(
            std::chrono::seconds(body.at("exp").get<long long>()));
        c.jti = body.at("jti").get<std::string>();
        if (body.contains("pat")) c.pat_uuid = body.at("pat").get<std::string>();
        if (now >= c.expires_at) return std::nullopt;
        return c;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;  // wrong claim types: only we sign these, but be strict
    }
}

}  // namespace pat::patd
