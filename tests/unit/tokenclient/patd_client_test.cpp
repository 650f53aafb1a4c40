// PatdClient over a fake HttpTransport: what it sends, and how it reads
// patd's replies (docs/tokenclient.md). The real transports meet real
// services in tokenclient_e2e.
#include "tokenclient/patd_client.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <vector>

#include "tokenclient/http_transport.hpp"

using namespace pat::tokenclient;
using namespace std::chrono_literals;
using pat::err::Errc;

namespace {

constexpr const char* k_base = "http://127.0.0.1:5001";

// Answers each request with the next scripted reply and keeps what it was sent.
class FakeTransport final : public HttpTransport {
  public:
    void reply(long status, std::string body) {
        pat::tokenclient::HttpResponse response;
        response.status = status;
        response.body = std::move(body);
        m_replies.emplace_back(std::move(response));
    }
    void refuse(std::string message) {
        m_replies.emplace_back(pat::err::Error{Errc::service_unreachable, std::move(message)});
    }

    pat::err::Result<HttpResponse> send(const HttpRequest& request) override {
        Seen seen{request.method, request.url, request.deadline, "", nullptr};
        if (request.basic) {
            seen.basic_user = request.basic->username;
            seen.basic_password = request.basic->password;
        }
        seen_requests.push_back(seen);
        REQUIRE_FALSE(m_replies.empty());
        auto next = std::move(m_replies.front());
        m_replies.pop_front();
        if (auto* error = std::get_if<pat::err::Error>(&next)) return pat::fail(*error);
        return std::get<HttpResponse>(std::move(next));
    }

    struct Seen {
        std::string method;
        std::string url;
        std::chrono::milliseconds deadline;
        std::string basic_user;
        const pat::Secret* basic_password;
    };
    std::vector<Seen> seen_requests;

  private:
    std::deque<std::variant<HttpResponse, pat::err::Error>> m_replies;
};

// Not shaped like a PAT (looks_like_pat), so an "unknown token" is a
// password rather than a deleted token.
const pat::Secret& a_password() {
    static const pat::Secret password = pat::Secret::copy_of("correct horse battery staple");
    return password;
}

}  // namespace

TEST_CASE("PatdClient::current reads an active token", "[tokenclient]") {
    pat::ManualClock clock;
    FakeTransport transport;
    transport.reply(200, R"({"uuid":"0b5c6a4e-1111","token_label":"laptop","is_active":true,)"
                         R"("scopes":["repo:read","repo:write"],"generated_by":"manual",)"
                         R"("expires_at":"2030-01-01T00:00:00Z"})");
    PatdClient client(std::string(k_base) + "/", 1500ms, clock, transport);

    auto info = client.current("alice", a_password());

    REQUIRE(info);
    CHECK(info->state == TokenState::active);
    CHECK(info->kind == ServiceKind::patd);
    CHECK(info->service_url == k_base);
    CHECK(info->uuid == "0b5c6a4e-1111");
    CHECK(info->label == "laptop");
    CHECK(info->scopes == std::vector<std::string>{"repo:read", "repo:write"});
    CHECK(info->owner == "alice");
    CHECK(info->expires_at == parse_time("2030-01-01T00:00:00Z"));
    REQUIRE(transport.seen_requests.size() == 1);
    const auto& sent = transport.seen_requests[0];
    CHECK(sent.method == "GET");
    CHECK(sent.url == "http://127.0.0.1:5001/v2/access-tokens/current");
    CHECK(sent.deadline == 1500ms);
    CHECK(sent.basic_user == "alice");
    CHECK(sent.basic_password == &a_password());
}

TEST_CASE("PatdClient::current turns a 401 into the token's state and reason", "[tokenclient]") {
    pat::ManualClock clock;
    FakeTransport transport;
    transport.reply(401, R"({"detail":"token is deactivated","reason":"deactivated"})");
    transport.reply(401, R"({"detail":"token has expired","reason":"expired"})");
    transport.reply(401, R"({"detail":"unknown token","reason":"unknown"})");
    PatdClient client(k_base, 2000ms, clock, transport);

    auto deactivated = client.current("alice", a_password());
    REQUIRE(deactivated);
    CHECK(deactivated->state == TokenState::inactive);
    CHECK(deactivated->reason == "token is deactivated");
    CHECK(deactivated->service_url == k_base);

    auto expired = client.current("alice", a_password());
    REQUIRE(expired);
    CHECK(expired->state == TokenState::expired);
    CHECK(expired->reason == "token has expired");

    // A secret without the PAT shape that patd does not know: a password.
    auto unknown = client.current("alice", a_password());
    REQUIRE(unknown);
    CHECK(unknown->state == TokenState::invalid);
    CHECK(unknown->reason == "unknown token");
}

TEST_CASE("PatdClient passes a dead service's transport error on unchanged", "[tokenclient]") {
    pat::ManualClock clock;
    FakeTransport transport;
    transport.refuse("token service http://127.0.0.1:5001 did not answer within 2000 ms");
    transport.refuse("token service http://127.0.0.1:5001 refused the connection");
    PatdClient client(k_base, 2000ms, clock, transport);

    auto timed_out = client.current("alice", a_password());
    REQUIRE_FALSE(timed_out);
    CHECK(timed_out.error().code == Errc::service_unreachable);
    CHECK(timed_out.error().message ==
          "token service http://127.0.0.1:5001 did not answer within 2000 ms");

    auto refused = client.report_usage("alice", a_password(), clock.now(), "test");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::service_unreachable);
    CHECK(refused.error().message == "token service http://127.0.0.1:5001 refused the connection");
}

TEST_CASE("PatdClient refuses a malformed JSON reply", "[tokenclient]") {
    pat::ManualClock clock;
    FakeTransport transport;
    transport.reply(200, R"({"uuid": "0b5c6a4e-1111", "is_active": tr)");
    transport.reply(200, R"(["not", "an", "access token"])");
    PatdClient client(k_base, 2000ms, clock, transport);

    for (int i = 0; i < 2; ++i) {
        auto info = client.current("alice", a_password());
        REQUIRE_FALSE(info);
        CHECK(info.error().code == Errc::service_failure);
        CHECK(info.error().message ==
              "token service http://127.0.0.1:5001 sent a reply that does not match its API");
    }
}
