// The web console in process: http::Api with the real TokenService on an
// in-memory database, driven with Request values. Checks the pages' security
// headers, cookies, CSRF/Origin refusals, escaping, paging and the actions;
// the browser tests (tests/console/) drive the same pages in Chromium.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "patd/console/html.hpp"
#include "patd/console/token_view.hpp"
#include "patd/http/api.hpp"
#include "patd/jwt/keygen.hpp"

using nlohmann::json;
using namespace pat;
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace {

struct Console {
    explicit Console(const std::string& public_url = "http://patd.test") {
        auto material = jwt::generate_signing_material("patd", 1);
        REQUIRE(material.ok());
        auto made = jwt::Es256Signer::from_pem(material->key_pem, material->cert_pem);
        REQUIRE(made.ok());
        signer.emplace(std::move(made).value());
        auto repository = patd::open_repository("sqlite::memory:");
        REQUIRE(repository.ok());
        patd::ServiceOptions options;
        options.password_cost = patd::PasswordCost::minimum;
        options.device_poll_interval = std::chrono::seconds(0);
        service = std::make_unique<patd::TokenService>(std::move(repository).value(),
                                                       Secret(std::string(32, 'p')), options);
        REQUIRE(service->create_account("alice", Secret::copy_of("alice-password")).ok());
        http::ApiOptions api_options;
        api_options.public_url = public_url;
        api_options.service = "registry.test";
        api_options.issuer = "patd-test";
        api_options.token_ttl_seconds = 120;
        api_options.console_registry = "registry.test:5000";
        api.emplace(*service, *signer, api_options);
        origin = public_url;
    }

    http::Response call(const std::string& method, const std::string& target,
                        const std::string& body = {}, Headers headers = {}) {
        http::Request req;
        req.method = method;
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos) req.query = target.substr(q + 1);
        req.headers = std::move(headers);
        if (!cookie.empty()) req.headers.emplace_back("cookie", cookie);
        req.body = body;
        req.client_ip = "192.0.2.7";
        return api->handle(req);
    }
    // A form POST from this console's own pages.
    http::Response post(const std::string& target, const std::string& body) {
        return call("POST", target, body,
                    {{"origin", origin}, {"content-type", "application/x-www-form-urlencoded"}});
    }

    void sign_in() {
        auto res = post("/login", "username=alice&password=alice-password");
        REQUIRE(res.status == 303);
        const std::string set = header(res, "Set-Cookie");
        cookie = set.substr(0, set.find(';'));
        auto page = call("GET", "/settings/security/tokens");
        REQUIRE(page.status == 200);
        std::smatch m;
        REQUIRE(std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
        csrf = m[1];
    }

    static std::string header(const http::Response& res, const std::string& name) {
        for (const auto& [k, v] : res.headers)
            if (k == name) return v;
        return {};
    }
    std::string generate(const std::string& description_encoded,
                         const std::string& scope = "read") {
        auto res = post("/settings/security/tokens", "csrf=" + csrf +
                                                         "&description=" + description_encoded +
                                                         "&expiration=none&scope=" + scope);
        REQUIRE(res.status == 201);
        std::smatch m;
        REQUIRE(std::regex_search(res.body, m,
                                  std::regex("id=\"new-token\"[^>]*value=\"(dckr_pat_[^\"]+)\"")));
        return m[1];
    }

    std::optional<jwt::Es256Signer> signer;
    std::unique_ptr<patd::TokenService> service;
    std::optional<http::Api> api;
    std::string origin;
    std::string cookie;
    std::string csrf;
};

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("console pages carry a strict CSP and the security headers", "[patd][console]") {
    Console c;
    auto page = c.call("GET", "/login");
    REQUIRE(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    const std::string csp = Console::header(page, "Content-Security-Policy");
    CHECK(csp.find("script-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(Console::header(page, "X-Content-Type-Options") == "nosniff");
    CHECK(Console::header(page, "Referrer-Policy") == "no-referrer");
    CHECK(Console::header(page, "Cache-Control") == "no-store");
    // No inline script anywhere: every <script> has a src.
    CHECK(page.body.find("<script src=\"/console/assets/console.js?v=") != std::string::npos);
    CHECK(count_of(page.body, "<script") == count_of(page.body, "<script src="));
    CHECK_FALSE(std::regex_search(page.body, std::regex("\\son[a-z]+=")));  // no inline handlers

    auto css = c.call("GET", "/console/assets/console.css");
    CHECK(css.status == 200);
    CHECK(css.content_type == "text/css; charset=utf-8");
    auto js = c.call("GET", "/console/assets/console.js");
    CHECK(js.content_type == "text/javascript; charset=utf-8");
    CHECK(Console::header(js, "X-Content-Type-Options") == "nosniff");
    // Signed out: the settings pages send you to the sign-in page, coming back after.
    auto away = c.call("GET", "/settings/security/tokens?page=2");
    CHECK(away.status == 303);
    CHECK(Console::header(away, "Location") == "/login?next=/settings/security/tokens%3Fpage%3D2");
    CHECK(Console::header(c.call("GET", "/"), "Location") == "/login");
}

TEST_CASE("console sign-in: one clear sentence per failure; a PAT is refused", "[patd][console]") {
    Console c;
    auto wrong = c.post("/login", "username=alice&password=nope-nope");
    CHECK(wrong.status == 401);
    CHECK(wrong.body.find("Incorrect username or password.") != std::string::npos);
    CHECK(Console::header(wrong, "Set-Cookie").empty());

    c.sign_in();
    const std::string pat = c.generate("for-login", "delete");
    const std::string session = c.cookie;
    c.cookie.clear();
    auto with_pat = c.post("/login", "username=alice&password=" + pat);
    CHECK(with_pat.status == 403);
    CHECK(with_pat.body.find("A personal access token cannot sign in to the console.") !=
          std::string::npos);
    CHECK(with_pat.body.find(pat) == std::string::npos);
    CHECK(Console::header(with_pat, "Set-Cookie").empty());

    // Another site's form is refused (Origin), and so is a session form without its CSRF token.
    auto cross = c.call("POST", "/login", "username=alice&password=alice-password",
                        {{"origin", "http://evil.test"}});
    CHECK(cross.status == 403);
    // Browsers send "Origin: null" under Referrer-Policy: no-referrer; then
    // Sec-Fetch-Site decides.
    auto null_cross = c.call("POST", "/login", "username=alice&password=alice-password",
                             {{"origin", "null"}, {"sec-fetch-site", "cross-site"}});
    CHECK(null_cross.status == 403);
    auto null_same = c.call("POST", "/login", "username=alice&password=alice-password",
                            {{"origin", "null"}, {"sec-fetch-site", "same-origin"}});
    CHECK(null_same.status == 303);
    c.cookie = session;
    auto no_csrf = c.post("/settings/security/tokens", "description=x&expiration=none&scope=read");
    CHECK(no_csrf.status == 403);
    auto bad_csrf =
        c.post("/settings/security/tokens", "csrf=AAAA&description=x&expiration=none&scope=read");
    CHECK(bad_csrf.status == 403);
    auto forged_origin = c.call("POST", "/settings/security/tokens",
                                "csrf=" + c.csrf + "&description=x&expiration=none&scope=read",
                                {{"origin", "http://evil.test"}});
    CHECK(forged_origin.status == 403);
    auto page = c.call("GET", "/settings/security/tokens");
    CHECK(page.body.find("<span id=\"active-count\">1</span>") != std::string::npos);
}

TEST_CASE("console sign-in: the rate-limit ban is one sentence with Retry-After",
          "[patd][console]") {
    Console c;
    // However the service's limiter counts, wrong passwords from one client
    // end in its ban: the sign-in page says so in one sentence.
    http::Response res;
    for (int i = 0; i < 50; ++i) {
        res = c.post("/login", "username=alice&password=nope-nope");
        if (res.status != 401) break;
    }
    REQUIRE(res.status == 429);
    CHECK(res.body.find("Too many failed sign-in attempts. Try again in ") != std::string::npos);
    CHECK(res.body.find("Incorrect username or password.") == std::string::npos);
    CHECK(std::stoll(Console::header(res, "Retry-After")) >= 1);
    CHECK(Console::header(res, "Set-Cookie").empty());
    // While banned, the right password does not sign in either.
    auto right = c.post("/login", "username=alice&password=alice-password");
    CHECK(right.status == 429);
    CHECK(Console::header(right, "Set-Cookie").empty());
}

TEST_CASE(
    "the session cookie is HttpOnly and SameSite=Strict, Secure over https, and sign-out "
    "ends it",
    "[patd][console]") {
    Console c;
    auto res = c.post("/login", "username=alice&password=alice-password&next=/device");
    REQUIRE(res.status == 303);
    CHECK(Console::header(res, "Location") == "/device");
    const std::string set = Console::header(res, "Set-Cookie");
    CHECK(set.starts_with("patd_session="));
    CHECK(set.find("; HttpOnly") != std::string::npos);
    CHECK(set.find("; SameSite=Strict") != std::string::npos);
    CHECK(set.find("; Path=/") != std::string::npos);
    CHECK(set.find("Secure") == std::string::npos);
    // `next` must stay on this site.
    auto open_redirect =
        c.post("/login", "username=alice&password=alice-password&next=//evil.test");
    CHECK(Console::header(open_redirect, "Location") == "/settings/security/tokens");

    c.sign_in();
    const std::string cookie = c.cookie;
    auto out = c.post("/logout", "csrf=" + c.csrf);
    CHECK(out.status == 303);
    CHECK(Console::header(out, "Set-Cookie").find("Max-Age=0") != std::string::npos);
    c.cookie = cookie;  // a copy of the old cookie is worthless now
    CHECK(c.call("GET", "/settings/security/tokens").status == 303);

    Console https("https://patd.example");
    auto secure = https.post("/login", "username=alice&password=alice-password");
    const std::string s = Console::header(secure, "Set-Cookie");
    CHECK(s.starts_with("__Host-patd_session="));
    CHECK(s.find("; Secure") != std::string::npos);
}

TEST_CASE("the token page: counts, empty state, paging past 10 rows, escaping", "[patd][console]") {
    Console c;
    c.sign_in();
    auto empty = c.call("GET", "/settings/security/tokens");
    CHECK(empty.body.find("No access tokens yet") != std::string::npos);
    CHECK(empty.body.find("A personal access token is a password for tools") != std::string::npos);

    c.generate("%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    c.generate("%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E");
    for (int i = 0; i < 10; ++i) c.generate("token+" + std::to_string(i));
    auto page1 = c.call("GET", "/settings/security/tokens");
    REQUIRE(page1.status == 200);
    CHECK(count_of(page1.body, "<tr data-uuid=") == 10);
    CHECK(page1.body.find("<span id=\"active-count\">12</span>") != std::string::npos);
    CHECK(page1.body.find("<span id=\"inactive-count\">0</span>") != std::string::npos);
    CHECK(page1.body.find("href=\"/settings/security/tokens?page=2\" rel=\"next\"") !=
          std::string::npos);
    CHECK(page1.body.find("Page 1 of 2") != std::string::npos);
    auto page2 = c.call("GET", "/settings/security/tokens?page=2");
    CHECK(count_of(page2.body, "<tr data-uuid=") == 2);
    // The two hostile descriptions are the oldest: on page 2, escaped.
    CHECK(page2.body.find("<script>alert(1)") == std::string::npos);
    CHECK(page2.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page2.body.find("<img src=x") == std::string::npos);
    CHECK(page2.body.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(page2.body.find("Read") != std::string::npos);
    CHECK(page2.body.find("Never") != std::string::npos);
    CHECK(page2.body.find("<time datetime=") != std::string::npos);
    // All on one page, or 25 a page; other sizes are the default 10.
    CHECK(count_of(c.call("GET", "/settings/security/tokens?page_size=100").body,
                   "<tr data-uuid=") == 12);
    CHECK(count_of(c.call("GET", "/settings/security/tokens?page_size=7").body, "<tr data-uuid=") ==
          10);
    // Out of range: back to the last page.
    CHECK(Console::header(c.call("GET", "/settings/security/tokens?page=9"), "Location") ==
          "/settings/security/tokens?page=2");
}

TEST_CASE("generate shows the token once with the docker login line; later pages never do",
          "[patd][console]") {
    Console c;
    c.sign_in();
    auto res = c.post("/settings/security/tokens",
                      "csrf=" + c.csrf + "&description=laptop&expiration=30&scope=write");
    REQUIRE(res.status == 201);
    CHECK(Console::header(res, "Cache-Control") == "no-store");
    CHECK(res.body.find("docker login -u alice registry.test:5000") != std::string::npos);
    CHECK(res.body.find("cannot be shown again") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(res.body, m, std::regex("value=\"(dckr_pat_[A-Za-z0-9]+)\"")));
    const std::string token = m[1];
    CHECK(c.service->current({"alice", Secret::copy_of(token)}, {}).ok());
    for (const char* later : {"/settings/security/tokens", "/settings/security/tokens/new",
                              "/settings/security", "/settings/security/2fa"})
        CHECK(c.call("GET", later).body.find(token) == std::string::npos);

    // Bad input: the form comes back with one sentence, nothing created.
    auto bad = c.post("/settings/security/tokens",
                      "csrf=" + c.csrf + "&description=&expiration=none&scope=read");
    CHECK(bad.status == 400);
    CHECK(bad.body.find("The description must be 1 to 100 characters") != std::string::npos);
    auto late = c.post("/settings/security/tokens", "csrf=" + c.csrf +
                                                        "&description=x&expiration=custom"
                                                        "&expires_on=2999-01-01&scope=read");
    CHECK(late.status == 400);
    CHECK(late.body.find("at most one year ahead") != std::string::npos);
    auto page = c.call("GET", "/settings/security/tokens");
    CHECK(page.body.find("<span id=\"active-count\">1</span>") != std::string::npos);
}

TEST_CASE("a console description that is not strict UTF-8 is refused, nothing created",
          "[patd][console][security]") {
    // Form data is not decoded by a JSON parser, so the service's label
    // check is all that stands between these bytes and the database: an
    // overlong NUL, an overlong '/', a UTF-16 surrogate, a code point above
    // U+10FFFF (docs/threat-model.md P8).
    Console c;
    c.sign_in();
    for (const char* encoded : {"nul%C0%80", "a%E0%80%AFb", "x%ED%A0%80", "x%F4%90%80%80"}) {
        INFO(encoded);
        auto res =
            c.post("/settings/security/tokens",
                   "csrf=" + c.csrf + "&description=" + encoded + "&expiration=none&scope=read");
        CHECK(res.status == 400);
        CHECK(res.body.find("The description must be 1 to 100 characters") != std::string::npos);
    }
    auto page = c.call("GET", "/settings/security/tokens");
    CHECK(page.body.find("<span id=\"active-count\">0</span>") != std::string::npos);
}

TEST_CASE("row actions: deactivate, activate, edit, delete with a confirmation naming the token",
          "[patd][console]") {
    Console c;
    c.sign_in();
    c.generate("ci+runner");
    auto list = c.call("GET", "/settings/security/tokens");
    std::smatch m;
    REQUIRE(std::regex_search(list.body, m, std::regex("data-uuid=\"([0-9a-f-]{36})\"")));
    const std::string uuid = m[1];
    const std::string base = "/settings/security/tokens/" + uuid;

    CHECK(c.post(base + "/deactivate", "csrf=" + c.csrf).status == 303);
    auto after = c.call("GET", "/settings/security/tokens?done=deactivated");
    CHECK(after.body.find("<span id=\"inactive-count\">1</span>") != std::string::npos);
    CHECK(after.body.find(">Activate</button>") != std::string::npos);
    CHECK(c.post(base + "/activate", "csrf=" + c.csrf).status == 303);
    CHECK(c.call("GET", "/settings/security/tokens").body.find(">Deactivate</button>") !=
          std::string::npos);
    CHECK(c.post(base + "/deactivate", "").status == 403);  // no CSRF token

    auto edit = c.call("GET", base + "/edit");
    CHECK(edit.body.find("value=\"ci runner\"") != std::string::npos);
    CHECK(edit.body.find("Save token") != std::string::npos);
    CHECK(c.post(base + "/edit", "csrf=" + c.csrf + "&description=renamed").status == 303);
    CHECK(c.call("GET", "/settings/security/tokens").body.find(">renamed</th>") !=
          std::string::npos);

    auto confirm = c.call("GET", base + "/delete");
    CHECK(confirm.body.find("<strong class=\"token-name\">renamed</strong>") != std::string::npos);
    CHECK(c.post(base + "/delete", "csrf=" + c.csrf).status == 303);
    CHECK(c.call("GET", "/settings/security/tokens").body.find("No access tokens yet") !=
          std::string::npos);
    CHECK(c.call("GET", base + "/edit").status == 404);
}

TEST_CASE("2FA pages: QR code as SVG with the text secret, confirm, codes once, second step",
          "[patd][console][2fa]") {
    Console c;
    c.sign_in();
    auto setup = c.post("/settings/security/2fa/setup", "csrf=" + c.csrf);
    REQUIRE(setup.status == 200);
    CHECK(setup.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\"") !=
          std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(setup.body, m, std::regex("id=\"totp-secret\">([A-Z2-7 ]+)<")));
    std::string secret = m[1];
    std::erase(secret, ' ');
    CHECK(secret.size() == 32);
    auto wrong = c.post("/settings/security/2fa/enable", "csrf=" + c.csrf + "&code=000000");
    CHECK(wrong.status == 400);
    CHECK(wrong.body.find(m[1].str()) != std::string::npos);  // same secret shown again
}

TEST_CASE("device sign-in over HTTP: code, pending, approval page, token once",
          "[patd][console][device]") {
    Console c;
    auto start =
        c.call("POST", "/oauth/device/code",
               "client_id=docker-credential-pat&host_name=%3Cb%3Ebox&helper_version=0.1.0");
    REQUIRE(start.status == 200);
    CHECK(Console::header(start, "Cache-Control") == "no-store");
    const auto grant = json::parse(start.body);
    CHECK(grant["verification_uri"] == "http://patd.test/device");
    CHECK(grant["interval"] == 0);
    const std::string code = grant["device_code"];
    const std::string user_code = grant["user_code"];
    auto poll = [&] {
        return c.call(
            "POST", "/oauth/token",
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=" +
                code);
    };
    auto pending = poll();
    CHECK(pending.status == 400);
    CHECK(json::parse(pending.body)["error"] == "authorization_pending");
    CHECK(json::parse(c.call("POST", "/oauth/token", "grant_type=password").body)["error"] ==
          "unsupported_grant_type");

    // Signed out, the page sends you to sign in and back.
    auto away = c.call("GET", "/device?user_code=" + user_code);
    CHECK(Console::header(away, "Location").starts_with("/login?next=/device%3Fuser_code%3D"));
    c.sign_in();
    auto page = c.call("GET", "/device?user_code=" + user_code);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("&lt;b&gt;box") != std::string::npos);
    CHECK(page.body.find("<b>box") == std::string::npos);
    CHECK(page.body.find("0.1.0") != std::string::npos);
    CHECK(c.post("/device", "user_code=" + user_code + "&decision=approve").status == 403);
    auto approved =
        c.post("/device", "csrf=" + c.csrf + "&user_code=" + user_code + "&decision=approve");
    CHECK(approved.status == 200);
    CHECK(approved.body.find("Device approved") != std::string::npos);
    auto issued = poll();
    REQUIRE(issued.status == 200);
    const auto body = json::parse(issued.body);
    CHECK(body["username"] == "alice");
    CHECK(body["token_type"] == "bearer");
    CHECK(body["access_token"].get<std::string>().starts_with("dckr_pat_"));
    CHECK(json::parse(poll().body)["error"] == "invalid_grant");
    auto list = c.call("GET", "/settings/security/tokens");
    CHECK(list.body.find("Auto-generated") != std::string::npos);
    CHECK(list.body.find("At most 5 are kept") != std::string::npos);
    CHECK(list.body.find(body["access_token"].get<std::string>()) == std::string::npos);
}

TEST_CASE("sign out everywhere: every console session ends and the device sign-ins with it",
          "[patd][console][device]") {
    Console c;
    c.sign_in();
    const std::string first = c.cookie;
    const std::string first_csrf = c.csrf;
    c.sign_in();  // a second browser
    c.generate("manual+one");
    auto start = c.call("POST", "/oauth/device/code", "host_name=box&helper_version=1");
    const auto grant = json::parse(start.body);
    const std::string user_code = grant["user_code"];
    REQUIRE(c.post("/device", "csrf=" + c.csrf + "&user_code=" + user_code + "&decision=approve")
                .status == 200);
    auto issued = c.call("POST", "/oauth/token",
                         "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
                         "&device_code=" +
                             grant["device_code"].get<std::string>());
    REQUIRE(issued.status == 200);
    const std::string device_token = json::parse(issued.body)["access_token"];

    auto security = c.call("GET", "/settings/security");
    CHECK(security.body.find("Sign out everywhere") != std::string::npos);
    CHECK(c.post("/settings/security/sign-out-everywhere", "").status == 403);  // no CSRF token
    c.cookie = first;  // from the first browser
    auto out = c.post("/settings/security/sign-out-everywhere", "csrf=" + first_csrf);
    CHECK(out.status == 303);
    CHECK(Console::header(out, "Location") == "/login?signed_out=everywhere");
    CHECK(c.call("GET", "/settings/security/tokens").status == 303);
    c.cookie.clear();
    CHECK(c.call("GET", "/login?signed_out=everywhere").body.find("signed out everywhere") !=
          std::string::npos);
    auto gone = c.service->current({"alice", Secret::copy_of(device_token)}, {});
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.error().message == "unknown token");
    c.sign_in();
    auto list = c.call("GET", "/settings/security/tokens");
    CHECK(list.body.find(">manual one</th>") != std::string::npos);
    CHECK(list.body.find("Auto-generated</span>") == std::string::npos);
}

TEST_CASE("last used and expires: relative text, the exact UTC time on hover", "[patd][console]") {
    using namespace std::chrono;
    const auto now = sys_days{2026y / 3 / 10} + 12h;
    CHECK(console::relative_time(now - 10s, now) == "just now");
    CHECK(console::relative_time(now - 3min, now) == "3 minutes ago");
    CHECK(console::relative_time(now - 1min, now) == "1 minute ago");
    CHECK(console::relative_time(now - 5h, now) == "5 hours ago");
    CHECK(console::relative_time(now - days(5), now) == "5 days ago");
    CHECK(console::relative_time(now + days(30), now) == "in 30 days");
    CHECK(console::relative_time(now - days(90), now) == "3 months ago");
    CHECK(console::relative_time(now - days(800), now) == "2 years ago");
    CHECK(console::time_element(now - 3min, now) ==
          "<time datetime=\"2026-03-10T11:57:00.000000Z\" title=\"2026-03-10 11:57 UTC\">3 minutes "
          "ago</time>");
}

TEST_CASE("the token page flags tokens that expire within 7 days", "[patd][console]") {
    Console c;
    c.sign_in();
    const std::string in_three_days =
        patd::format_rfc3339(
            patd::to_timestamp(std::chrono::system_clock::now() + std::chrono::hours(72)))
            .substr(0, 10);
    auto soon = c.post("/settings/security/tokens", "csrf=" + c.csrf +
                                                        "&description=soon&expiration=custom"
                                                        "&expires_on=" +
                                                        in_three_days + "&scope=read");
    REQUIRE(soon.status == 201);
    auto later = c.post("/settings/security/tokens",
                        "csrf=" + c.csrf + "&description=later&expiration=30&scope=read");
    REQUIRE(later.status == 201);
    auto page = c.call("GET", "/settings/security/tokens");
    REQUIRE(page.status == 200);
    CHECK(count_of(page.body, "<span class=\"badge expiring\">Expires soon</span>") == 1);
    // Newest first: the 30-day row, then the 3-day row, which has the badge.
    const auto later_row = page.body.find(">later<");
    const auto soon_row = page.body.find(">soon<");
    const auto badge = page.body.find("badge expiring");
    REQUIRE(later_row != std::string::npos);
    REQUIRE(soon_row != std::string::npos);
    CHECK(later_row < soon_row);
    CHECK(badge > soon_row);
}
