#include "patd/http/router.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "patd/http/reply.hpp"

using namespace pat::http;

namespace {

Router sample_router() {
    Router router;
    auto named = [](const std::string& name) {
        return [name](Request&, const PathParams& params) {
            Response res;
            res.body = name;
            for (const auto& p : params) res.body += ":" + p;
            return res;
        };
    };
    router.add("GET", "/v2/access-tokens", named("list"));
    router.add("POST", "/v2/access-tokens", named("create"));
    router.add("GET", "/v2/access-tokens/current", named("current"));
    router.add("GET", "/v2/access-tokens/{uuid}", named("get"));
    router.add("DELETE", "/v2/access-tokens/{uuid}", named("delete"));
    return router;
}

Response call(const Router& router, const std::string& method, const std::string& path,
              std::string& route) {
    Request req;
    req.method = method;
    req.path = path;
    return router.dispatch(req, route);
}

}  // namespace

TEST_CASE("routes match templates and report the template, not the path", "[patd][http]") {
    const Router router = sample_router();
    std::string route;
    CHECK(call(router, "GET", "/v2/access-tokens", route).body == "list");
    CHECK(route == "/v2/access-tokens");
    CHECK(call(router, "POST", "/v2/access-tokens/", route).body == "create");
    CHECK(call(router, "GET", "/v2/access-tokens/1234-abcd", route).body == "get:1234-abcd");
    CHECK(route == "/v2/access-tokens/{uuid}");
    CHECK(call(router, "DELETE", "/v2/access-tokens/1234", route).body == "delete:1234");
}

TEST_CASE("a literal path wins over a parameter registered after it", "[patd][http]") {
    const Router router = sample_router();
    std::string route;
    CHECK(call(router, "GET", "/v2/access-tokens/current", route).body == "current");
    CHECK(route == "/v2/access-tokens/current");
    // DELETE on "current" is a wrong method on that path, not a uuid delete.
    CHECK(call(router, "DELETE", "/v2/access-tokens/current", route).status == 405);
}

TEST_CASE("unknown paths are 404 JSON, wrong methods 405 JSON with Allow", "[patd][http]") {
    const Router router = sample_router();
    std::string route;
    auto missing = call(router, "GET", "/v2/nothing/here", route);
    CHECK(missing.status == 404);
    CHECK(route == "unmatched");
    CHECK(nlohmann::json::parse(missing.body)["detail"] == "not found");

    auto wrong = call(router, "PUT", "/v2/access-tokens", route);
    CHECK(wrong.status == 405);
    CHECK(route == "/v2/access-tokens");
    const auto body = nlohmann::json::parse(wrong.body);
    CHECK(body["detail"].is_string());
    CHECK(body["message"].is_string());
    REQUIRE(wrong.headers.size() == 1);
    CHECK(wrong.headers[0].first == "Allow");
    CHECK(wrong.headers[0].second == "GET, POST");
    CHECK(call(router, "GET", "/v2/access-tokens//", route).status == 404);
}

TEST_CASE("validation errors carry detail, message and fields", "[patd][http]") {
    auto res = validation_error("invalid", {{"token_label", "must be a string"}});
    CHECK(res.status == 400);
    const auto body = nlohmann::json::parse(res.body);
    CHECK(body["detail"] == "invalid");
    CHECK(body["message"] == "invalid");
    CHECK(body["fields"]["token_label"][0] == "must be a string");
}
