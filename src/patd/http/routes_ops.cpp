// GET /healthz and GET /metrics.
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {

void add_ops_routes(Router& router, RouteContext& ctx) {
    router.add("GET", "/healthz", [&ctx](Request&, const PathParams&) {
        auto health = ctx.service.health();
        if (!health) return service_error(health.error());
        return json_reply(200, {{"status", "ok"}});
    });
    router.add("GET", "/metrics", [&ctx](Request&, const PathParams&) {
        Response res;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = ctx.metrics.render(ctx.service.stats());
        return res;
    });
}

}  // namespace pat::http
