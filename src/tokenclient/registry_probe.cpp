// The network half of registry_probe.hpp: GET /v2/ for the challenge, and a
// probe token request whose grant shows what a credential may do.
#include "tokenclient/registry_probe.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/reply_json.hpp"

namespace pat::tokenclient {
namespace {

using nlohmann::json;

// The actions the JWT grants on `repository` (its signature is not checked:
// this only shows the user what the service grants; the registry decides).
std::optional<std::vector<std::string>> granted_actions(std::string_view jwt,
                                                        const std::string& repository) {
    auto payload = jwt_payload(jwt);
    if (!payload) return std::nullopt;
    const json claims = json::parse(*payload, nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    std::vector<std::string> actions;
    const auto access = claims.find("access");
    if (access == claims.end() || !access->is_array()) return actions;  // empty grant
    for (const auto& entry : *access) {
        if (!entry.is_object() || entry.value("type", "") != "repository" ||
            entry.value("name", "") != repository)
            continue;
        const auto list = entry.find("actions");
        if (list == entry.end() || !list->is_array()) continue;
        for (const auto& action : *list) {
            if (!action.is_string()) continue;
            const auto name = action.get<std::string>();
            if (std::find(actions.begin(), actions.end(), name) == actions.end())
                actions.push_back(name);
        }
    }
    return actions;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace

err::Result<BearerChallenge> discover_challenge(std::string_view server_key,
                                                std::chrono::milliseconds deadline,
                                                HttpTransport& transport) {
    HttpRequest request;
    request.url = registry_base_url(server_key) + "/v2/";
    request.deadline = deadline;
    auto response = transport.send(request);
    if (!response) return fail(std::move(response).error());
    const std::string where = "registry " + url_endpoint(request.url);
    if (response->status == 401) {
        for (const auto& [name, value] : response->headers) {
            if (name != "www-authenticate") continue;
            if (auto challenge = parse_bearer_challenge(value)) return std::move(*challenge);
        }
    }
    if (response->status == 200 || response->status == 401)
        return fail(err::Error{err::Errc::service_rejected, where + " does not use token auth"});
    return fail(err::Error{err::Errc::service_failure, where + " answered GET /v2/ with HTTP " +
                                                           std::to_string(response->status)});
}

err::Result<TokenInfo> probe_token(const BearerChallenge& challenge, const std::string& username,
                                   const Secret& secret, std::chrono::milliseconds deadline,
                                   HttpTransport& transport) {
    // Repository names are lower-case; a namespace is the account name.
    const std::string repository = lower(username) + "/" + k_probe_repository;
    HttpRequest request;
    request.url = challenge.realm;
    request.url += challenge.realm.find('?') == std::string::npos ? '?' : '&';
    if (!challenge.service.empty()) request.url += "service=" + url_encode(challenge.service) + "&";
    request.url += "scope=" + url_encode("repository:" + repository + ":pull,push,delete");
    request.url += "&client_id=docker-credential-pat";
    request.basic = BasicAuth{username, &secret};
    request.deadline = deadline;
    auto response = transport.send(request);
    if (!response) return fail(std::move(response).error());
    const std::string where = "token service " + url_endpoint(challenge.realm);

    TokenInfo info;
    info.kind = ServiceKind::registry;
    info.service_url = challenge.realm;
    if (response->status == 401) {
        info.state = TokenState::invalid;
        info.reason =
            reply_detail(response->body).value_or("the token service refused the credentials");
        wipe_string(response->body);
        return info;
    }
    if (response->status != 200) {
        auto error = http_status_error(where, response->status, response->body);
        wipe_string(response->body);
        return fail(std::move(error));
    }
    json reply = json::parse(response->body, nullptr, false);
    wipe_string(response->body);
    if (!reply.is_object())
        return fail(
            err::Error{err::Errc::service_failure, where + " sent a reply that is not JSON"});
    std::optional<std::vector<std::string>> actions;
    for (const char* field : {"token", "access_token"}) {
        auto it = reply.find(field);
        if (it == reply.end() || !it->is_string()) continue;
        auto& jwt = it->get_ref<std::string&>();
        if (!actions) actions = granted_actions(jwt, repository);
        wipe_string(jwt);
    }
    info.state = TokenState::active;
    info.owner = username;
    if (actions) {
        info.scopes = std::move(*actions);
        info.reason = info.scopes.empty() ? "authenticated; no access to " + repository
                                          : "authenticated by the registry token service";
    } else {
        info.reason = "authenticated; the grant is not readable (opaque token)";
    }
    return info;
}

}  // namespace pat::tokenclient
