#include "patd/http/reply.hpp"

namespace pat::http {

Response json_reply(int status, const nlohmann::json& body) {
    Response res;
    res.status = status;
    // Invalid UTF-8 from a client must not turn into an exception here.
    res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return res;
}

Response no_content() {
    Response res;
    res.status = 204;
    res.content_type.clear();
    return res;
}

Response error_reply(int status, std::string_view detail, std::string_view message) {
    return json_reply(status,
                      {{"detail", detail}, {"message", message.empty() ? detail : message}});
}

Response unauthorized_reply(std::string_view detail, std::string_view reason) {
    return json_reply(401, {{"detail", detail}, {"message", detail}, {"reason", reason}});
}

Response validation_error(std::string_view detail,
                          const std::map<std::string, std::string>& fields) {
    nlohmann::json f = nlohmann::json::object();
    for (const auto& [name, problem] : fields) f[name] = nlohmann::json::array({problem});
    return json_reply(400, {{"detail", detail}, {"message", detail}, {"fields", f}});
}

std::string_view reject_detail(int status) {
    switch (status) {
        case 400:
            return "malformed HTTP request";
        case 408:
            return "request timed out";
        case 413:
            return "request body too large (limit 64 KiB)";
        case 431:
            return "request header fields too large";
        case 429:
            return "too many connections from this address";
        case 503:
            return "the server is busy, try again shortly";
        case 500:
            return "internal server error";
        default:
            return "request rejected";
    }
}

}  // namespace pat::http
