#include "helper/commands/ci_oidc_exchange.hpp"

#include <nlohmann/json.hpp>

#include "tokenclient/http_client.hpp"
#include "tokenclient/reply_json.hpp"

namespace pat::helper::cmd {
namespace {

using nlohmann::json;

std::string text_field(const json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One form POST; the body (it holds a token) is wiped after sending.
cred::Result<tokenclient::HttpResponse> post_form(const std::string& url, std::string body,
                                                  std::chrono::milliseconds deadline) {
    tokenclient::HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.body = std::move(body);
    req.deadline = deadline;
    auto res = tokenclient::http_send(req);
    wipe_string(req.body);
    return res;
}

// patd's OAuth-shaped error as one line (never a token: patd does not echo).
cred::Error refusal(const tokenclient::HttpResponse& res, std::string_view what,
                    const std::string& patd_url) {
    const auto j = json::parse(res.body, nullptr, false);
    std::string why = j.is_object() ? text_field(j, "error_description") : "";
    if (why.empty() && j.is_object()) why = text_field(j, "detail");
    if (why.empty()) why = "HTTP " + std::to_string(res.status);
    if (res.status == 503)
        return cred::Error{cred::Errc::service_failure,
                           "patd at " + patd_url + " is unavailable: " + why};
    if (res.status >= 400 && res.status < 500)
        return cred::Error{cred::Errc::service_rejected,
                           "patd refused " + std::string(what) + ": " + why};
    return cred::Error{cred::Errc::service_failure,
                       "patd failed (HTTP " + std::to_string(res.status) + "): " + why};
}

}  // namespace

bool id_token_may_go_to(std::string_view patd_url) {
    const auto u = tokenclient::parse_url(patd_url);
    if (!u) return false;
    if (u->scheme == "https") return true;
    const bool ipv4_loopback =
        u->host.rfind("127.", 0) == 0 && u->host.find_first_not_of("0123456789.") ==
                                             std::string::npos;  // not 127.0.0.1.evil.example
    return u->scheme == "http" && (ipv4_loopback || u->host == "localhost" || u->host == "[::1]");
}

cred::Result<ExchangedToken> exchange_id_token(const std::string& patd_url, const Secret& id_token,
                                               const std::string& account,
                                               std::chrono::milliseconds deadline) {
    std::string body =
        "grant_type=" + tokenclient::url_encode("urn:ietf:params:oauth:grant-type:token-exchange") +
        "&subject_token_type=" +
        tokenclient::url_encode("urn:ietf:params:oauth:token-type:id_token") +
        "&client_id=docker-credential-pat";
    if (!account.empty()) body += "&account=" + tokenclient::url_encode(account);
    std::string encoded = tokenclient::url_encode(id_token.reveal());
    body.reserve(body.size() + 16 + encoded.size());  // no reallocation leaves a copy behind
    body.append("&subject_token=").append(encoded);
    wipe_string(encoded);
    auto res = post_form(patd_url + "/v2/oidc/token", std::move(body), deadline);
    if (!res) return fail(std::move(res).error());
    if (res->status != 200) {
        auto error = refusal(*res, "the job's ID token", patd_url);
        wipe_string(res->body);
        return fail(std::move(error));
    }
    auto reply = json::parse(res->body, nullptr, false);
    wipe_string(res->body);
    ExchangedToken out;
    const auto token = reply.is_object() ? reply.find("access_token") : reply.end();
    const auto expires_in = reply.is_object() ? reply.find("expires_in") : reply.end();
    if (token == reply.end() || !token->is_string() || token->get_ref<std::string&>().empty() ||
        expires_in == reply.end() || !expires_in->is_number_integer()) {
        tokenclient::wipe_json(reply);
        return fail(cred::Error{cred::Errc::service_failure,
                                "patd's OIDC exchange reply has no access_token or expires_in"});
    }
    out.token = Secret(std::move(token->get_ref<std::string&>()));
    out.expires_in = std::chrono::seconds(std::max<long long>(0, expires_in->get<long long>()));
    out.username = text_field(reply, "username");
    out.scope = text_field(reply, "scope");
    out.uuid = text_field(reply, "uuid");
    out.label = text_field(reply, "token_label");
    out.expires_at = tokenclient::parse_time(text_field(reply, "expires_at"));
    tokenclient::wipe_json(reply);
    if (out.username.empty())
        return fail(cred::Error{cred::Errc::service_failure,
                                "patd's OIDC exchange reply names no username"});
    return out;
}

cred::Result<void> revoke_exchanged_token(const std::string& patd_url, const Secret& token,
                                          std::chrono::milliseconds deadline) {
    std::string encoded = tokenclient::url_encode(token.reveal());
    std::string body;
    body.reserve(6 + encoded.size());  // no reallocation leaves a copy behind
    body.append("token=").append(encoded);
    wipe_string(encoded);
    auto res = post_form(patd_url + "/v2/oidc/revoke", std::move(body), deadline);
    if (!res) return fail(std::move(res).error());
    if (res->status != 200) return fail(refusal(*res, "the revocation", patd_url));
    return {};
}

}  // namespace pat::helper::cmd
