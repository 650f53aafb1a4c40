// patd's API (docs/patd-api.md) over the client's HttpTransport. Replies
// that carry a secret (sessions, new tokens) are wiped as soon as they are
// read.
#include "tokenclient/patd_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/pat_format.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/reply_json.hpp"

namespace pat::tokenclient {
namespace {

using nlohmann::json;

// A parsed reply that wipes itself; for bodies that carry secrets.
struct SecretJson {
    json value;
    SecretJson() = default;
    SecretJson(const SecretJson&) = delete;
    SecretJson& operator=(const SecretJson&) = delete;
    ~SecretJson() { wipe_json(value); }
};

std::optional<TimePoint> time_field(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return parse_time(it->get<std::string>());
}

std::string string_field(const json& j, const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The accessToken shape -> TokenInfo; nullopt if it is not one.
// Expiry is judged at `now`, from the client's clock.
std::optional<TokenInfo> token_from_json(const json& j, const std::string& base_url,
                                         TimePoint now) {
    if (!j.is_object() || !j.contains("uuid") || !j["uuid"].is_string()) return std::nullopt;
    TokenInfo info;
    info.kind = ServiceKind::patd;
    info.service_url = base_url;
    info.uuid = j["uuid"].get<std::string>();
    info.label = string_field(j, "token_label");
    info.generated_by = string_field(j, "generated_by");
    if (auto scopes = j.find("scopes"); scopes != j.end() && scopes->is_array()) {
        for (const auto& s : *scopes)
            if (s.is_string()) info.scopes.push_back(s.get<std::string>());
    }
    info.expires_at = time_field(j, "expires_at");
    info.last_used = time_field(j, "last_used");
    info.created_at = time_field(j, "created_at");
    const bool active = j.value("is_active", false);
    if (is_past_expiry(info, now)) {
        info.state = TokenState::expired;
        info.reason = "token has expired";
    } else {
        info.state = active ? TokenState::active : TokenState::inactive;
        info.reason = active ? "active" : "token is deactivated";
    }
    return info;
}

// The TokenState for patd's 401 on `current`, from the reply's `reason`
// (docs/patd-http.md "Why a 401"). A patd from before `reason` sends only
// the English detail: its two texts are still read, and that is the one
// place the helper looks at a detail's wording (docs/tokenclient.md).
TokenState state_for_refusal(std::string_view body, const std::string& detail,
                             std::string_view secret) {
    const auto reason = reply_reason(body);
    if (reason ? *reason == "deactivated" : detail == "token is deactivated")
        return TokenState::inactive;
    if (reason ? *reason == "expired" : detail == "token has expired") return TokenState::expired;
    // "unknown" (or anything else): a well-formed PAT that patd does not know
    // was deleted (or belongs to someone else); anything else was never a PAT.
    return looks_like_pat(secret) ? TokenState::deleted : TokenState::invalid;
}

}  // namespace

PatdClient::PatdClient(std::string base_url, std::chrono::milliseconds deadline, const Clock& clock,
                       HttpTransport& transport)
    : m_base_url(std::move(base_url)),
      m_deadline(deadline),
      m_clock(&clock),
      m_transport(&transport) {
    while (!m_base_url.empty() && m_base_url.back() == '/') m_base_url.pop_back();
}

namespace {

// One API call: `where` names the service in errors.
struct Call {
    const std::string& base_url;
    std::chrono::milliseconds deadline;
    const Clock& clock;
    HttpTransport& transport;

    std::string where() const { return "token service " + url_endpoint(base_url); }

    err::Result<HttpResponse> send(std::string method, const std::string& path,
                                   std::string body = {}, const Secret* bearer = nullptr,
                                   std::optional<BasicAuth> basic = std::nullopt) const {
        HttpRequest request;
        request.method = std::move(method);
        request.url = base_url + path;
        request.deadline = deadline;
        request.bearer = bearer;
        request.basic = std::move(basic);
        if (!body.empty() || request.method == "POST" || request.method == "PATCH") {
            request.headers.emplace_back("Content-Type", "application/json");
            request.body = std::move(body);
        }
        auto response = transport.send(request);
        wipe_string(request.body);  // a login body holds the password
        return response;
    }

    // POST of an application/x-www-form-urlencoded body (the OAuth routes).
    err::Result<HttpResponse> send_form(const std::string& path, std::string body) const {
        HttpRequest request;
        request.method = "POST";
        request.url = base_url + path;
        request.deadline = deadline;
        request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        request.body = std::move(body);
        auto response = transport.send(request);
        wipe_string(request.body);  // a poll body holds the device code
        return response;
    }

    err::Error error(const HttpResponse& response) const {
        return http_status_error(where(), response.status, response.body);
    }

    err::Error malformed() const {
        return {err::Errc::service_failure, where() + " sent a reply that does not match its API"};
    }

    err::Result<TokenInfo> token_reply(HttpResponse& response, long want) const {
        if (response.status != want) return fail(error(response));
        const json reply = json::parse(response.body, nullptr, false);
        auto info = token_from_json(reply, base_url, clock.now());
        if (!info) return fail(malformed());
        return std::move(*info);
    }
};

// Builds a JSON body and wipes the intermediate copies of its secrets.
std::string secret_body(std::initializer_list<std::pair<const char*, std::string_view>> fields) {
    SecretJson j;
    j.value = json::object();
    for (const auto& [name, value] : fields) j.value[name] = std::string(value);
    return j.value.dump();
}

err::Result<Secret> session_reply(const Call& call, HttpResponse& response) {
    SecretJson reply;
    reply.value = json::parse(response.body, nullptr, false);
    wipe_string(response.body);
    auto it = reply.value.is_object() ? reply.value.find("token") : reply.value.end();
    if (it == reply.value.end() || !it->is_string() || it->get_ref<std::string&>().empty())
        return fail(call.malformed());
    return Secret::copy_of(it->get_ref<std::string&>());
}

}  // namespace

err::Result<TokenInfo> PatdClient::current(const std::string& username, const Secret& token) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response =
        call.send("GET", "/v2/access-tokens/current", {}, nullptr, BasicAuth{username, &token});
    if (!response) return fail(std::move(response).error());
    if (response->status == 401) {
        TokenInfo info;
        info.kind = ServiceKind::patd;
        info.service_url = m_base_url;
        info.reason = reply_detail(response->body).value_or("unknown token");
        info.state = state_for_refusal(response->body, info.reason, token.reveal());
        return info;
    }
    auto info = call.token_reply(*response, 200);
    if (info) info->owner = username;
    return info;
}

err::Result<void> PatdClient::report_usage(const std::string& username, const Secret& token,
                                           TimePoint used_at, const std::string& client) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    const json body = {{"used_at", format_time(used_at)}, {"client", client}};
    auto response = call.send("POST", "/v2/access-tokens/current/usage", body.dump(), nullptr,
                              BasicAuth{username, &token});
    if (!response) return fail(std::move(response).error());
    if (response->status != 204 && response->status != 200) return fail(call.error(*response));
    return {};
}

err::Result<LoginResult> PatdClient::login(const std::string& username, const Secret& password) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response =
        call.send("POST", "/v2/users/login",
                  secret_body({{"username", username}, {"password", password.reveal()}}));
    if (!response) return fail(std::move(response).error());
    LoginResult result;
    if (response->status == 200) {
        auto session = session_reply(call, *response);
        if (!session) return fail(std::move(session).error());
        result.session = std::move(*session);
        return result;
    }
    if (response->status == 401) {
        SecretJson reply;
        reply.value = json::parse(response->body, nullptr, false);
        if (reply.value.is_object()) {
            auto it = reply.value.find("login_2fa_token");
            if (it != reply.value.end() && it->is_string() &&
                !it->get_ref<std::string&>().empty()) {
                result.login_2fa_token = Secret::copy_of(it->get_ref<std::string&>());
                wipe_string(response->body);
                return result;
            }
        }
    }
    auto error = call.error(*response);
    wipe_string(response->body);
    return fail(std::move(error));
}

err::Result<Secret> PatdClient::login_2fa(const Secret& login_2fa_token, const std::string& code) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response =
        call.send("POST", "/v2/users/2fa-login",
                  secret_body({{"login_2fa_token", login_2fa_token.reveal()}, {"code", code}}));
    if (!response) return fail(std::move(response).error());
    if (response->status != 200) {
        auto error = call.error(*response);
        wipe_string(response->body);
        return fail(std::move(error));
    }
    return session_reply(call, *response);
}

err::Result<TokenPage> PatdClient::list(const Secret& session, int page, int page_size) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response = call.send("GET",
                              "/v2/access-tokens?page=" + std::to_string(page) +
                                  "&page_size=" + std::to_string(page_size),
                              {}, &session);
    if (!response) return fail(std::move(response).error());
    if (response->status != 200) return fail(call.error(*response));
    const json reply = json::parse(response->body, nullptr, false);
    if (!reply.is_object() || !reply.contains("results") || !reply["results"].is_array())
        return fail(call.malformed());
    TokenPage out;
    out.count = reply.value("count", 0L);
    out.active_count = reply.value("active_count", 0L);
    out.has_next = reply.contains("next") && reply["next"].is_string();
    for (const auto& item : reply["results"]) {
        auto info = token_from_json(item, m_base_url, m_clock->now());
        if (!info) return fail(call.malformed());
        out.results.push_back(std::move(*info));
    }
    return out;
}

err::Result<CreatedToken> PatdClient::create(const Secret& session, const std::string& label,
                                             const std::vector<std::string>& scopes,
                                             std::optional<TimePoint> expires_at) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    json body = {{"token_label", label}, {"scopes", scopes}};
    if (expires_at) body["expires_at"] = format_time(*expires_at);
    auto response = call.send("POST", "/v2/access-tokens", body.dump(), &session);
    if (!response) return fail(std::move(response).error());
    if (response->status != 201) return fail(call.error(*response));
    SecretJson reply;
    reply.value = json::parse(response->body, nullptr, false);
    wipe_string(response->body);
    auto info = token_from_json(reply.value, m_base_url, m_clock->now());
    auto token = info ? reply.value.find("token") : reply.value.end();
    if (!info || token == reply.value.end() || !token->is_string() ||
        token->get_ref<std::string&>().empty())
        return fail(call.malformed());
    return CreatedToken{std::move(*info), Secret::copy_of(token->get_ref<std::string&>())};
}

err::Result<CreatedToken> PatdClient::desktop_generate(const Secret& session) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response = call.send("POST", "/v2/access-tokens/desktop-generate", {}, &session);
    if (!response) return fail(std::move(response).error());
    if (response->status != 201 && response->status != 200) return fail(call.error(*response));
    SecretJson reply;
    reply.value = json::parse(response->body, nullptr, false);
    wipe_string(response->body);
    const json* data = nullptr;
    if (reply.value.is_object() && reply.value.contains("data") && reply.value["data"].is_object())
        data = &reply.value["data"];
    if (data == nullptr || !data->contains("token") || !(*data)["token"].is_string() ||
        (*data)["token"].get_ref<const std::string&>().empty())
        return fail(call.malformed());
    // The reply has only the token; what patd documents about auto tokens
    // fills the rest (callers ask `current` for the uuid and label).
    CreatedToken created{TokenInfo{},
                         Secret::copy_of((*data)["token"].get_ref<const std::string&>())};
    created.info.state = TokenState::active;
    created.info.kind = ServiceKind::patd;
    created.info.service_url = m_base_url;
    created.info.generated_by = "auto";
    created.info.scopes = {"repo:admin"};
    return created;
}

err::Result<TokenInfo> PatdClient::get(const Secret& session, const std::string& uuid) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response = call.send("GET", "/v2/access-tokens/" + url_encode(uuid), {}, &session);
    if (!response) return fail(std::move(response).error());
    return call.token_reply(*response, 200);
}

err::Result<TokenInfo> PatdClient::patch(const Secret& session, const std::string& uuid,
                                         std::optional<std::string> label,
                                         std::optional<bool> is_active) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    json body = json::object();
    if (label) body["token_label"] = *label;
    if (is_active) body["is_active"] = *is_active;
    auto response =
        call.send("PATCH", "/v2/access-tokens/" + url_encode(uuid), body.dump(), &session);
    if (!response) return fail(std::move(response).error());
    return call.token_reply(*response, 200);
}

err::Result<void> PatdClient::remove(const Secret& session, const std::string& uuid) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response = call.send("DELETE", "/v2/access-tokens/" + url_encode(uuid), {}, &session);
    if (!response) return fail(std::move(response).error());
    if (response->status != 204 && response->status != 200) return fail(call.error(*response));
    return {};
}

err::Result<DeviceStart> PatdClient::start_device(const std::string& client_id,
                                                  const std::string& host_name,
                                                  const std::string& helper_version) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response =
        call.send_form("/oauth/device/code", "client_id=" + url_encode(client_id) +
                                                 "&host_name=" + url_encode(host_name) +
                                                 "&helper_version=" + url_encode(helper_version));
    if (!response) return fail(std::move(response).error());
    if (response->status != 200) return fail(call.error(*response));
    SecretJson reply;
    reply.value = json::parse(response->body, nullptr, false);
    wipe_string(response->body);
    const json& j = reply.value;
    if (!j.is_object() || !j.contains("device_code") || !j["device_code"].is_string() ||
        !j.contains("user_code") || !j["user_code"].is_string() ||
        !j.contains("verification_uri") || !j["verification_uri"].is_string() ||
        !j.contains("expires_in") || !j["expires_in"].is_number_integer())
        return fail(call.malformed());
    // The code and the URLs are printed on the person's terminal: visible
    // ASCII only (no escapes, no spaces), and short.
    auto visible = [](const std::string& text, std::size_t max) {
        return !text.empty() && text.size() <= max &&
               std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7F; });
    };
    const std::string complete = string_field(j, "verification_uri_complete");
    if (!visible(j["user_code"].get_ref<const std::string&>(), 32) ||
        !visible(j["verification_uri"].get_ref<const std::string&>(), 2048) ||
        (!complete.empty() && !visible(complete, 2048)))
        return fail(call.malformed());
    DeviceStart out;
    out.device_code = Secret::copy_of(j["device_code"].get_ref<const std::string&>());
    out.user_code = j["user_code"].get<std::string>();
    out.verification_uri = j["verification_uri"].get<std::string>();
    out.verification_uri_complete = complete;
    out.expires_in = std::chrono::seconds(j["expires_in"].get<long long>());
    if (j.contains("interval") && j["interval"].is_number_integer())
        out.interval = std::chrono::seconds(std::max<long long>(1, j["interval"].get<long long>()));
    return out;
}

err::Result<DevicePollReply> PatdClient::poll_device(const Secret& device_code) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    std::string body =
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
        "&client_id=docker-credential-pat&device_code=" +
        url_encode(device_code.reveal());
    auto response = call.send_form("/oauth/token", std::move(body));
    if (!response) return fail(std::move(response).error());
    SecretJson reply;
    reply.value = json::parse(response->body, nullptr, false);
    wipe_string(response->body);
    const json& j = reply.value;
    if (!j.is_object()) {
        if (response->status >= 500) return fail(call.error(*response));
        return fail(call.malformed());
    }
    DevicePollReply out;
    if (response->status == 200) {
        auto it = j.find("access_token");
        if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
            return fail(call.malformed());
        out.token = Secret::copy_of(it->get_ref<const std::string&>());
        out.username = string_field(j, "username");
        return out;
    }
    if (response->status != 400 || !j.contains("error") || !j["error"].is_string())
        return fail(call.error(*response));
    out.error = j["error"].get<std::string>();
    out.description = string_field(j, "error_description");
    // Both may be printed: RFC 6749 §5.2 allows printable ASCII only, and
    // anything else (terminal escapes) is dropped.
    auto printable = [](const std::string& text) {
        return text.size() <= 512 &&
               std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    };
    if (out.error.empty() || !printable(out.error)) return fail(call.malformed());
    if (!printable(out.description)) out.description.clear();
    if (j.contains("interval") && j["interval"].is_number_integer())
        out.interval = std::chrono::seconds(j["interval"].get<long long>());
    return out;
}

err::Result<void> PatdClient::revoke_current(const std::string& username, const Secret& token) {
    const Call call{m_base_url, m_deadline, *m_clock, *m_transport};
    auto response =
        call.send("DELETE", "/v2/access-tokens/current", {}, nullptr, BasicAuth{username, &token});
    if (!response) return fail(std::move(response).error());
    if (response->status != 204 && response->status != 200) return fail(call.error(*response));
    return {};
}

}  // namespace pat::tokenclient
