#include "patd/domain/error.hpp"

#include <utility>

namespace pat::patd {

namespace {
Error make(ErrorCode code, std::string message) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    return e;
}
}  // namespace

Error bad_request(std::string field, std::string problem) {
    Error e = make(ErrorCode::bad_request, field + ": " + problem);
    e.fields.emplace(std::move(field), std::move(problem));
    return e;
}

Error unauthorized(std::string message, AuthReason reason) {
    Error e = make(ErrorCode::unauthorized, std::move(message));
    e.reason = reason;
    return e;
}

Error forbidden_pat_session() {
    return make(ErrorCode::forbidden_pat_session, std::string(k_detail_pat_forbidden));
}

Error forbidden(std::string message) {
    return make(ErrorCode::forbidden, std::move(message));
}

Error not_found(std::string message) {
    return make(ErrorCode::not_found, std::move(message));
}

Error conflict(std::string message) {
    return make(ErrorCode::conflict, std::move(message));
}

Error rate_limited(std::chrono::seconds retry_after, std::string message) {
    Error e = make(ErrorCode::rate_limited,
                   message.empty() ? std::string(k_detail_rate_limited) : std::move(message));
    e.retry_after = retry_after < std::chrono::seconds(1) ? std::chrono::seconds(1) : retry_after;
    return e;
}

Error require_2fa(std::string login_2fa_token) {
    Error e = make(ErrorCode::require_2fa, std::string(k_detail_require_2fa));
    e.login_2fa_token = std::move(login_2fa_token);
    e.reason = AuthReason::two_factor_required;
    return e;
}

Error use_pat() {
    Error e = make(ErrorCode::use_pat, std::string(k_detail_use_pat));
    e.reason = AuthReason::pat_required;
    return e;
}

Error unavailable(std::string message) {
    return make(ErrorCode::unavailable, std::move(message));
}

Error internal_error(std::string message) {
    return make(ErrorCode::internal, std::move(message));
}

int http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_request:
            return 400;
        case ErrorCode::unauthorized:
            return 401;
        case ErrorCode::forbidden_pat_session:
        case ErrorCode::forbidden:
            return 403;
        case ErrorCode::not_found:
            return 404;
        case ErrorCode::conflict:
            return 409;
        case ErrorCode::rate_limited:
            return 429;
        case ErrorCode::require_2fa:
        case ErrorCode::use_pat:
            return 401;
        case ErrorCode::unavailable:
            return 503;
        case ErrorCode::internal:
            return 500;
    }
    return 500;
}

std::string_view code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_request:
            return "bad_request";
        case ErrorCode::unauthorized:
            return "unauthorized";
        case ErrorCode::forbidden_pat_session:
            return "forbidden_pat_session";
        case ErrorCode::forbidden:
            return "forbidden";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::rate_limited:
            return "rate_limited";
        case ErrorCode::require_2fa:
            return "require_2fa";
        case ErrorCode::use_pat:
            return "use_pat";
        case ErrorCode::unavailable:
            return "unavailable";
        case ErrorCode::internal:
            return "internal";
    }
    return "internal";
}

std::string_view reason_name(AuthReason reason) {
    switch (reason) {
        case AuthReason::none:
            return "";
        case AuthReason::authentication_required:
            return "authentication_required";
        case AuthReason::bad_credentials:
            return "bad_credentials";
        case AuthReason::unknown:
            return "unknown";
        case AuthReason::deactivated:
            return "deactivated";
        case AuthReason::expired:
            return "expired";
        case AuthReason::session_invalid:
            return "session_invalid";
        case AuthReason::session_revoked:
            return "session_revoked";
        case AuthReason::session_ended:
            return "session_ended";
        case AuthReason::two_factor_required:
            return "two_factor_required";
        case AuthReason::two_factor_token_invalid:
            return "two_factor_token_invalid";
        case AuthReason::two_factor_code_invalid:
            return "two_factor_code_invalid";
        case AuthReason::two_factor_code_reused:
            return "two_factor_code_reused";
        case AuthReason::two_factor_not_enabled:
            return "two_factor_not_enabled";
        case AuthReason::pat_required:
            return "pat_required";
        case AuthReason::id_token_refused:
            return "id_token_refused";
    }
    return "";
}

}  // namespace pat::patd
