// POST /v2/credentials/revoke: the leaked-token report (docs/patd-api.md
// "Leaked tokens"). No authentication; the body is
// {"credentials": ["<token>", ...]} as in GitHub's credential revocation API,
// and the reply is 202 {} whatever matched.
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {
namespace {

using nlohmann::json;

// GitHub takes at most 1000 credentials per request; so do we.
constexpr std::size_t k_max_reported = 1000;
// A token is 45 characters; anything much longer is not one, and is not
// worth carrying into the service.
constexpr std::size_t k_max_reported_chars = 256;

Response revoke_reported(RouteContext& ctx, Request& req) {
    Response error;
    auto body = json_object_body(req, error);
    wipe_body(req);
    if (!body) return error;
    const auto it = body->find("credentials");
    const auto refuse = [](const char* message) {
        return json_reply(400, {{"detail", message}, {"message", message}});
    };
    if (it == body->end() || !it->is_array())
        return refuse("credentials: must be a list of token strings");
    if (it->empty()) return refuse("credentials: must not be empty");
    if (it->size() > k_max_reported) return refuse("credentials: at most 1000 per request");
    std::vector<Secret> tokens;
    tokens.reserve(it->size());
    for (auto& item : *it) {
        if (!item.is_string()) return refuse("credentials: must be a list of token strings");
        auto& text = item.get_ref<std::string&>();
        // Too long to be a token: skipped like a bad checksum, not refused,
        // so the reply shape never depends on a string's content.
        if (text.size() <= k_max_reported_chars) tokens.emplace_back(std::string(text));
        wipe_string(text);
    }
    auto done = ctx.service.revoke_leaked(tokens, client_info(req));
    if (!done) return service_error(done.error());
    return json_reply(202, json::object());
}

}  // namespace

void add_credential_routes(Router& router, RouteContext& ctx) {
    router.add("POST", "/v2/credentials/revoke",
               [&ctx](Request& r, const PathParams&) { return revoke_reported(ctx, r); });
}

}  // namespace pat::http
