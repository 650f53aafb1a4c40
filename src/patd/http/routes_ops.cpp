// GET /healthz, GET /readyz and GET /metrics.
#include "patd/http/reply.hpp"
#include "patd/http/routes.hpp"

namespace pat::http {

namespace {

// The database is asked on every probe (one `SELECT 1`): a patd whose
// database went away answers 503 at once and 200 again as soon as the
// repository reconnects, without a restart (docs/patd-http.md).
Response health_reply(RouteContext& ctx) {
    if (!ctx.service.health())
        return json_reply(503, {{"status", "unavailable"}, {"database", "unreachable"}});
    return json_reply(200, {{"status", "ok"}});
}

Response ready_reply(RouteContext& ctx) {
    Response res;
    res.content_type = "text/plain; charset=utf-8";
    const bool ready = static_cast<bool>(ctx.service.health());
    res.status = ready ? 200 : 503;
    res.body = ready ? "ready\n" : "not ready\n";
    return res;
}

}  // namespace

void add_ops_routes(Router& router, RouteContext& ctx) {
    router.add("GET", "/healthz",
               [&ctx](Request&, const PathParams&) { return health_reply(ctx); });
    router.add("GET", "/readyz", [&ctx](Request&, const PathParams&) { return ready_reply(ctx); });
    router.add("GET", "/metrics", [&ctx](Request&, const PathParams&) {
        Response res;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = ctx.metrics.render(ctx.service.stats());
        return res;
    });
}

}  // namespace pat::http
