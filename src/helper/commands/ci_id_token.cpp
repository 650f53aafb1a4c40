#include "helper/commands/ci_id_token.hpp"

#include <nlohmann/json.hpp>

#include "helper/commands/secret_input.hpp"
#include "tokenclient/http_client.hpp"

namespace pat::helper::cmd {
namespace {

constexpr std::string_view k_github_url = "ACTIONS_ID_TOKEN_REQUEST_URL";
constexpr std::string_view k_github_token = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

cred::Error github_error(cred::Errc code, const std::string& problem) {
    return cred::Error{code, "cannot get the job's ID token from GitHub Actions (" +
                                 std::string(k_github_url) + "): " + problem};
}

cred::Result<Secret> from_github(const std::string& url, const Secret& request_token,
                                 const std::string& audience,
                                 std::chrono::steady_clock::time_point until) {
    if (!tokenclient::parse_url(url))
        return fail(github_error(cred::Errc::bad_input, "not an http(s) URL"));
    const auto deadline = tokenclient::request_deadline(std::chrono::seconds(10), until);
    if (!deadline) return fail(tokenclient::budget_exhausted("the ID-token request"));
    tokenclient::HttpRequest req;
    req.url = url + (url.find('?') == std::string::npos ? "?" : "&") +
              "audience=" + tokenclient::url_encode(audience);
    req.headers = {{"Accept", "application/json"}};
    req.bearer = &request_token;
    req.deadline = *deadline;
    auto res = tokenclient::http_send(req);
    if (!res) return fail(github_error(res.error().code, res.error().message));
    auto reply = nlohmann::json::parse(res->body, nullptr, false);
    wipe_string(res->body);
    std::optional<Secret> token;
    if (reply.is_object()) {
        if (auto it = reply.find("value"); it != reply.end() && it->is_string()) {
            token = Secret(std::move(it->get_ref<std::string&>()));
        }
    }
    if (res->status != 200) {
        std::string hint = " (does the job have `permissions: id-token: write`?)";
        return fail(github_error(cred::Errc::service_rejected,
                                 "HTTP " + std::to_string(res->status) + hint));
    }
    if (!token || token->empty())
        return fail(github_error(cred::Errc::service_failure, "the reply has no \"value\""));
    return std::move(*token);
}

}  // namespace

cred::Result<IdToken> job_id_token(const IdTokenRequest& request, const cred::EnvLookup& env,
                                   std::chrono::steady_clock::time_point until) {
    if (request.env_name) {
        auto t = read_secret_env(env, *request.env_name, "the ID token");
        if (!t) return fail(std::move(t).error());
        return IdToken{std::move(*t), "$" + *request.env_name};
    }
    if (request.file) {
        auto t = read_secret_file(*request.file, "the ID token");
        if (!t) return fail(std::move(t).error());
        return IdToken{std::move(*t), "file " + *request.file};
    }
    const auto url = env(k_github_url).value_or("");
    Secret github_token(env(k_github_token).value_or(""));
    if (!url.empty() || !github_token.empty()) {
        if (url.empty() || github_token.empty())
            return fail(github_error(cred::Errc::bad_input,
                                     std::string(k_github_token) + " or the URL is not set"));
        auto t = from_github(url, github_token, request.audience, until);
        if (!t) return fail(std::move(t).error());
        return IdToken{std::move(*t), "GitHub Actions"};
    }
    if (auto t = env(k_env_id_token); t && !t->empty())
        return IdToken{Secret(std::move(*t)), "$" + std::string(k_env_id_token)};
    const bool gitlab = env("GITLAB_CI").value_or("") == "true";
    return fail(cred::Error{
        cred::Errc::bad_input,
        gitlab ? "no ID token: declare `id_tokens: " + std::string(k_env_id_token) +
                     ": {aud: " + request.audience +
                     "}` in the job (or name another variable with --id-token-env)"
               : "no ID token: on GitHub Actions give the job `permissions: id-token: write`; on "
                 "GitLab CI declare `id_tokens: " +
                     std::string(k_env_id_token) +
                     "`; elsewhere use --id-token-env VAR or --id-token-file F"});
}

}  // namespace pat::helper::cmd
