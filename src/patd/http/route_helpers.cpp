#include <charconv>

#include "common/expiry.hpp"
#include "common/secret.hpp"
#include "patd/http/parse.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {

patd::ClientInfo client_info(const Request& req) {
    patd::ClientInfo client;
    client.ip = req.client_ip;
    // Stored on tokens and shown back; bound it so a header cannot bloat rows.
    client.user_agent = std::string(req.header("user-agent").substr(0, 256));
    return client;
}

namespace {
// Every 401 names a reason; one the service did not set reads as bad
// credentials rather than as nothing.
std::string_view reason_of(const patd::Error& error) {
    return patd::reason_name(
        error.reason == patd::AuthReason::none ? patd::AuthReason::bad_credentials : error.reason);
}
}  // namespace

Response service_error(const patd::Error& error) {
    using patd::ErrorCode;
    const int status = patd::http_status(error.code);
    switch (error.code) {
        case ErrorCode::bad_request: {
            const std::string detail = error.message.empty() ? "invalid request" : error.message;
            return validation_error(detail, error.fields);
        }
        case ErrorCode::rate_limited: {
            auto res = error_reply(
                status, error.message.empty() ? "too many failed attempts" : error.message);
            res.headers.emplace_back(
                "Retry-After", std::to_string(std::max<long long>(1, error.retry_after.count())));
            return res;
        }
        case ErrorCode::require_2fa:
            return json_reply(status, {{"detail", patd::k_detail_require_2fa},
                                       {"message", patd::k_detail_require_2fa},
                                       {"reason", patd::reason_name(error.reason)},
                                       {"login_2fa_token", error.login_2fa_token}});
        case ErrorCode::forbidden_pat_session:
            return error_reply(status, patd::k_detail_pat_forbidden);
        default: {
            const std::string_view detail =
                error.message.empty() ? "request failed" : std::string_view(error.message);
            if (status != 401) return error_reply(status, detail);
            auto res = unauthorized_reply(detail, reason_of(error));
            res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"patd\"");
            return res;
        }
    }
}

std::optional<nlohmann::json> json_object_body(const Request& req, Response& error, bool empty_ok) {
    if (req.body.empty() && empty_ok) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        error = validation_error("malformed JSON body", {{"body", "is not valid JSON"}});
        return std::nullopt;
    }
    if (!parsed.is_object()) {
        error = validation_error("malformed JSON body", {{"body", "must be a JSON object"}});
        return std::nullopt;
    }
    return parsed;
}

std::string base_url(const ApiOptions& options) {
    std::string base = options.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

bool checks_password(const Request& req, const patd::TokenService& service) {
    const auto path = split_path(req.path);
    // A login with a PAT is cheap, but telling it apart means parsing the
    // JSON body twice; logins are rare next to /token.
    if (path == std::vector<std::string>{"v2", "users", "login"}) return req.method == "POST";
    // The console's sign-in and its 2FA switch-off check the password too.
    if (path == std::vector<std::string>{"login"} ||
        path == std::vector<std::string>{"settings", "security", "2fa", "disable"})
        return req.method == "POST";
    if (path != std::vector<std::string>{"token"}) return false;
    if (req.method == "GET") {
        if (!req.has_header("authorization")) return false;
        const auto credentials = parse_basic_auth(req.header("authorization"));
        return credentials && service.needs_password_check(credentials->secret.reveal());
    }
    if (req.method != "POST") return false;
    auto form = parse_form(req.body);
    if (!form) return false;
    bool password = false;
    for (auto& [key, value] : *form) {
        if (key == "password" && !password) password = service.needs_password_check(value);
        wipe_string(value);
    }
    return password;
}

void wipe_body(Request& req) {
    wipe_string(req.body);
}

std::optional<long long> parse_integer_param(const std::optional<std::string>& text,
                                             long long fallback) {
    if (!text) return fallback;
    long long value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

nlohmann::json time_or_null(const std::optional<patd::Timestamp>& t) {
    return t ? nlohmann::json(patd::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json token_json(const patd::AccessTokenView& v, std::chrono::system_clock::time_point now,
                          std::string_view token) {
    return {{"uuid", v.uuid},
            {"client_id", v.client_id},
            {"creator_ip", v.creator_ip},
            {"creator_ua", v.creator_ua},
            {"created_at", patd::format_rfc3339(v.created_at)},
            {"last_used", time_or_null(v.last_used)},
            {"generated_by", patd::to_string(v.generated_by)},
            {"is_active", v.is_active},
            {"token", token},
            {"token_label", v.token_label},
            {"scopes", nlohmann::json::array({patd::to_string(v.scope)})},
            {"expires_at", time_or_null(v.expires_at)},
            {"expires_soon", v.expires_at.has_value() && expires_soon(*v.expires_at, now)}};
}

Response authentication_required(const char* scheme) {
    auto res = unauthorized_reply("authentication required",
                                  patd::reason_name(patd::AuthReason::authentication_required));
    res.headers.emplace_back("WWW-Authenticate", std::string(scheme) + " realm=\"patd\"");
    return res;
}

std::optional<patd::Principal> session(RouteContext& ctx, const Request& req, Response& error) {
    auto bearer = parse_bearer_auth(req.header("authorization"));
    if (!bearer) {
        error = authentication_required("Bearer");
        return std::nullopt;
    }
    auto who = ctx.service.authenticate_session(bearer->reveal());
    if (!who) {
        error = service_error(who.error());
        return std::nullopt;
    }
    return std::move(*who);
}

}  // namespace pat::http
