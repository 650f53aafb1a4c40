// GET /v2/audit-logs: the caller's own account's audit log (docs/patd-api.md,
// "Audit log"), paged like /v2/access-tokens, filtered by token and time.
#include "common/percent.hpp"
#include "patd/http/parse.hpp"
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {
namespace {

using nlohmann::json;

// The stored detail is a JSON object written by patd; a row that does not
// parse (edited by hand) is shown as {}.
json detail_json(const std::string& text) {
    auto parsed = json::parse(text, nullptr, false);
    return parsed.is_object() ? parsed : json::object();
}

json event_json(const patd::AuditEventRecord& e) {
    return {{"id", e.id},
            {"timestamp", patd::format_rfc3339(e.at)},
            {"action", e.kind},
            {"account", e.username.empty() ? json(nullptr) : json(e.username)},
            {"actor", e.actor},
            {"token_uuid", e.token_uuid.empty() ? json(nullptr) : json(e.token_uuid)},
            {"ip_address", e.client_ip},
            {"user_agent", e.user_agent},
            {"data", detail_json(e.detail)}};
}

Response list(RouteContext& ctx, Request& req) {
    Response error;
    auto who = session(ctx, req, error);
    if (!who) return error;
    auto query = parse_form(req.query);
    if (!query) return validation_error("malformed query string", {{"query", "bad escape"}});
    const auto page = parse_integer_param(first_param(*query, "page"), 1);
    const auto size = parse_integer_param(first_param(*query, "page_size"), 10);
    std::map<std::string, std::string> bad;
    if (!page) bad["page"] = "must be an integer";
    if (!size) bad["page_size"] = "must be an integer";
    patd::AuditQuery request;
    const auto time_param = [&](const char* name, std::optional<patd::Timestamp>& out) {
        if (const auto text = first_param(*query, name)) {
            out = patd::parse_rfc3339(*text);
            if (!out) bad[name] = "must be an RFC 3339 date-time";
        }
    };
    time_param("from", request.since);
    time_param("to", request.until);
    request.token_uuid = first_param(*query, "token");
    if (!bad.empty()) return validation_error("invalid audit log query", bad);
    request.page = patd::PageRequest{*page, *size};
    auto result = ctx.service.list_audit_events(*who, request);
    if (!result) return service_error(result.error());
    // The links repeat the filters, so following `next` stays in the same view.
    std::string base = base_url(ctx.options) + "/v2/audit-logs?page_size=" + std::to_string(*size);
    for (const char* name : {"token", "from", "to"})
        if (const auto value = first_param(*query, name))
            base.append("&").append(name).append("=").append(percent_encode(*value));
    base += "&page=";
    json results = json::array();
    for (const auto& e : result->results) results.push_back(event_json(e));
    return json_reply(
        200, {{"count", result->count},
              {"next", result->has_next ? json(base + std::to_string(*page + 1)) : json(nullptr)},
              {"previous",
               result->has_previous ? json(base + std::to_string(*page - 1)) : json(nullptr)},
              {"results", std::move(results)}});
}

}  // namespace

void add_audit_routes(Router& router, RouteContext& ctx) {
    router.add("GET", "/v2/audit-logs",
               [&ctx](Request& r, const PathParams&) { return list(ctx, r); });
}

}  // namespace pat::http
