#include "tokenclient/url.hpp"

#include <catch2/catch.hpp>

#include "tokenclient/curl_api.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/reply_json.hpp"

using namespace pat::tokenclient;

TEST_CASE("URLs reduce to an origin and an endpoint without secrets or paths", "[tokenclient]") {
    CHECK(url_origin("http://127.0.0.1:5001/token") == "http://127.0.0.1:5001");
    CHECK(url_origin("HTTPS://auth.docker.io/token?x=1") == "https://auth.docker.io");
    CHECK(url_origin("http://user:pw@h:81/p") == "http://h:81");
    CHECK(url_origin("http://[::1]:5001/x") == "http://[::1]:5001");
    CHECK(url_origin("no scheme") == "");
    CHECK(url_origin("http://") == "");
    CHECK(url_origin("http://h:port/") == "");
    CHECK(url_endpoint("https://auth.docker.io/token") == "https://auth.docker.io:443");
    CHECK(url_endpoint("http://h/token") == "http://h:80");
    CHECK(url_endpoint("http://user:secret@h:8080/a?b#c") == "http://h:8080");
    CHECK(url_endpoint("garbage") == "(unparsable URL)");
}

TEST_CASE("Query values are percent-encoded", "[tokenclient]") {
    CHECK(url_encode("repository:alice/p:pull,push") == "repository%3Aalice%2Fp%3Apull%2Cpush");
    CHECK(url_encode("a b~-._") == "a%20b~-._");
    CHECK(url_encode("\xff") == "%FF");
}

TEST_CASE("Error replies of token services are read and mapped to codes", "[tokenclient]") {
    CHECK(reply_detail(R"({"detail":"token is deactivated","message":"x"})") ==
          "token is deactivated");
    CHECK(reply_detail(R"({"details":"please use personal access token to login"})") ==
          "please use personal access token to login");
    CHECK(reply_detail(
              R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})") ==
          "authentication required");
    CHECK(reply_detail(R"({"detail":"two\nlines"})") == "two");
    CHECK_FALSE(reply_detail("<html>").has_value());
    CHECK_FALSE(reply_detail("{}").has_value());
    CHECK(reply_detail(R"({"detail":")" + std::string(500, 'x') + R"("})")->size() == 200);

    using pat::err::Errc;
    CHECK(http_status_error("patd", 401, "{}").code == Errc::service_unauthorized);
    CHECK(http_status_error("patd", 403, "{}").code == Errc::service_forbidden);
    CHECK(http_status_error("patd", 404, "{}").code == Errc::service_rejected);
    CHECK(http_status_error("patd", 429, "{}").code == Errc::service_rejected);
    CHECK(http_status_error("patd", 500, "{}").code == Errc::service_failure);
    CHECK(http_status_error("patd", 302, "").code == Errc::service_failure);
    CHECK(http_status_error("token service http://h:80", 401, R"({"detail":"unknown token"})")
              .message ==
          "token service http://h:80 refused the request (HTTP 401): unknown token");
    CHECK(http_status_error("token service http://h:80", 502, "").message ==
          "token service http://h:80 failed (HTTP 502)");
}

TEST_CASE("A libcurl that cannot be loaded is reported, not fatal", "[tokenclient]") {
    CHECK(curl_load_error("libcurl.so.4").empty());
    const std::string missing = curl_load_error("libpat-no-such-curl.so.4");
    CHECK(missing.rfind("cannot load libpat-no-such-curl.so.4 (install the libcurl4 package): ",
                        0) == 0);
    CHECK(curl_load_error("libc.so.6") == "the loaded libcurl lacks curl_global_init");
}

TEST_CASE("Requests of one operation share its time budget", "[tokenclient]") {
    using namespace std::chrono_literals;
    const auto now = std::chrono::steady_clock::now();
    CHECK(request_deadline(2000ms, std::nullopt) == 2000ms);
    CHECK(request_deadline(2000ms, now + 1h) == 2000ms);
    const auto left = request_deadline(2000ms, now + 1000ms);
    REQUIRE(left.has_value());
    CHECK(*left <= 1000ms);
    CHECK(*left > 500ms);
    CHECK_FALSE(request_deadline(2000ms, now - 1ms).has_value());
    const auto error = budget_exhausted("discovery");
    CHECK(error.code == pat::err::Errc::service_unreachable);
    CHECK(error.message == "token service: no time left for discovery (deadline passed)");
}
