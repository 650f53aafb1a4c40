// tokenclient_tool: drives pat_tokenclient against real services for
// tokenclient_test.sh. One operation per run; secrets come on stdin (one
// line), never argv. Prints one JSON object on stdout; exit 0 on success,
// 1 on an error (printed as {"error":{"code","message"}}), 2 on bad usage.
//
//   tokenclient_tool [--deadline MS] [--cache FILE] [--certs-d DIR] [--service KEY=URL]... OP ARGS
//     locate KEY                    the ServiceEndpoint
//     validate KEY USER             TokenService::validate   (secret on stdin)
//     exchange KEY USER             TokenService::exchange_password (password on stdin);
//                                   prints the info and "token_is_pat", never the token
//     usage KEY USER [RFC3339]      TokenService::report_usage (secret on stdin)
//     probe REALM SERVICE USER      probe_token               (secret on stdin)
//     http URL                      one GET through the transport: status, body size and first 40
//                                   bytes, the Set-Cookie headers in order
//     admin PATD_URL USER           PatdClient's token management, one step after
//                                   the other (stdin: password, then a TOTP code
//                                   when 2FA is on); prints each step's outcome
//     session-list PATD_URL USER    login with stdin's secret, then list: the
//                                   error a PAT session gets
// DOCKER_CREDENTIAL_PAT_BACKEND is read from the environment, as the helper does.
// TOKENCLIENT_TOOL_TRANSPORT=libcurl sends everything through libcurl, also
// the local plain-HTTP requests that normally take the direct transport.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/pat_format.hpp"
#include "helper/state/token_metadata.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/http_transport.hpp"
#include "tokenclient/token_service.hpp"

using namespace pat::tokenclient;
using nlohmann::json;
using pat::looks_like_pat;

namespace {

const char* errc_name(pat::err::Errc code) {
    using pat::err::Errc;
    switch (code) {
        case Errc::service_unreachable:
            return "service_unreachable";
        case Errc::service_unauthorized:
            return "service_unauthorized";
        case Errc::service_forbidden:
            return "service_forbidden";
        case Errc::service_rejected:
            return "service_rejected";
        case Errc::service_failure:
            return "service_failure";
        case Errc::bad_input:
            return "bad_input";
        default:
            return "other";
    }
}

int print_error(const pat::err::Error& error) {
    std::cout
        << json{{"error", {{"code", errc_name(error.code)}, {"message", error.message}}}}.dump()
        << "\n";
    return 1;
}

json info_json(const TokenInfo& info) {
    json out = json::object();
    for (const auto& [key, value] : pat::helper::to_metadata(info)) out[key] = value;
    return out;
}

pat::Secret read_secret() {
    std::string line;
    std::getline(std::cin, line);
    return pat::Secret(std::move(line));
}

json error_json(const pat::err::Error& error) {
    return {{"code", errc_name(error.code)}, {"message", error.message}};
}

// Signs in (with the TOTP step when patd asks for it).
pat::err::Result<pat::Secret> sign_in(PatdClient& client, const std::string& user) {
    const pat::Secret password = read_secret();
    auto login = client.login(user, password);
    if (!login) return pat::fail(login.error());
    if (login->session) return std::move(*login->session);
    std::string code;
    std::getline(std::cin, code);
    auto session = client.login_2fa(*login->login_2fa_token, code);
    pat::wipe_string(code);
    return session;
}

int admin(const std::string& url, const std::string& user, std::chrono::milliseconds deadline,
          HttpTransport& transport) {
    PatdClient client(url, deadline, pat::system_clock(), transport);
    json out = json::object();
    auto session = sign_in(client, user);
    if (!session) return print_error(session.error());
    const auto expires =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
        std::chrono::hours(24 * 30);
    auto created = client.create(*session, "tool token", {"repo:read"}, expires);
    if (!created) return print_error(created.error());
    const std::string uuid = created->info.uuid;
    out["created"] = info_json(created->info);
    out["created_token_is_pat"] = looks_like_pat(created->token.reveal());
    auto page = client.list(*session, 1, 100);
    if (!page) return print_error(page.error());
    out["list_count"] = page->count;
    out["list_active_count"] = page->active_count;
    out["list_has_next"] = page->has_next;
    out["list_has_created"] = std::any_of(page->results.begin(), page->results.end(),
                                          [&](const TokenInfo& t) { return t.uuid == uuid; });
    auto small = client.list(*session, 1, 1);
    out["list_page1_size1_has_next"] = small ? json(small->has_next) : error_json(small.error());
    auto got = client.get(*session, uuid);
    out["get"] = got ? info_json(*got) : error_json(got.error());
    auto renamed = client.patch(*session, uuid, std::string("renamed"), std::nullopt);
    out["renamed"] = renamed ? info_json(*renamed) : error_json(renamed.error());
    auto off = client.patch(*session, uuid, std::nullopt, false);
    out["deactivated"] = off ? info_json(*off) : error_json(off.error());
    auto removed = client.remove(*session, uuid);
    out["removed"] = removed ? json("ok") : error_json(removed.error());
    auto gone = client.get(*session, uuid);
    out["get_after_remove"] = gone ? info_json(*gone) : error_json(gone.error());
    auto bad = client.create(*session, "", {"repo:read"}, std::nullopt);
    out["create_empty_label"] = bad ? json("created") : error_json(bad.error());
    std::cout << out.dump() << "\n";
    return 0;
}

int usage() {
    std::cerr << "usage: tokenclient_tool [--deadline MS] [--cache FILE] [--certs-d DIR] "
                 "[--service KEY=URL]... "
                 "locate|validate|exchange|usage|probe|http|admin|session-list ARGS\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    LocatorOptions options;
    if (const char* backend = std::getenv(std::string(k_env_backend).c_str()))
        options.backend_url = backend;
    TransportOptions transport_options;
    if (const char* transport = std::getenv("TOKENCLIENT_TOOL_TRANSPORT");
        transport != nullptr && std::string(transport) == "libcurl")
        transport_options.libcurl_only = true;
    std::size_t i = 0;
    for (; i + 1 < args.size() && args[i].rfind("--", 0) == 0; i += 2) {
        if (args[i] == "--deadline") {
            options.deadline = std::chrono::milliseconds(std::stol(args[i + 1]));
        } else if (args[i] == "--cache") {
            options.cache_path = args[i + 1];
        } else if (args[i] == "--certs-d") {
            transport_options.docker_certs_root = args[i + 1];
        } else if (args[i] == "--service") {
            const auto eq = args[i + 1].find('=');
            if (eq == std::string::npos) return usage();
            options.services[args[i + 1].substr(0, eq)] = args[i + 1].substr(eq + 1);
        } else {
            return usage();
        }
    }
    if (i >= args.size()) return usage();
    const auto transport = make_http_transport(std::move(transport_options));
    options.transport = transport.get();
    const std::string op = args[i];
    const std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
    const auto deadline = options.deadline;

    if (op == "locate" && rest.size() == 1) {
        ServiceLocator locator(options, pat::system_clock());
        auto endpoint = locator.locate(rest[0]);
        if (!endpoint) return print_error(endpoint.error());
        std::cout << json{{"kind", std::string(to_string(endpoint->kind))},
                          {"patd_url", endpoint->patd_url},
                          {"realm", endpoint->challenge.realm},
                          {"service", endpoint->challenge.service},
                          {"source", endpoint->source}}
                         .dump()
                  << "\n";
        return 0;
    }
    if (op == "http" && rest.size() == 1) {
        HttpRequest request;
        request.url = rest[0];
        request.deadline = deadline;
        auto response = options.transport->send(request);
        if (!response) return print_error(response.error());
        json cookies = json::array();
        for (const auto& [name, value] : response->headers)
            if (name == "set-cookie") cookies.push_back(value);
        std::cout << json{{"status", response->status},
                          {"body_size", response->body.size()},
                          {"body_head", response->body.substr(0, 40)},
                          {"set_cookie", cookies}}
                         .dump()
                  << "\n";
        return 0;
    }
    if (op == "probe" && rest.size() == 3) {
        const pat::Secret secret = read_secret();
        auto info = probe_token(BearerChallenge{rest[0], rest[1]}, rest[2], secret, deadline,
                                *options.transport);
        if (!info) return print_error(info.error());
        std::cout << info_json(*info).dump() << "\n";
        return 0;
    }
    if (op == "admin" && rest.size() == 2)
        return admin(rest[0], rest[1], deadline, *options.transport);
    if (op == "session-list" && rest.size() == 2) {
        PatdClient client(rest[0], deadline, pat::system_clock(), *options.transport);
        auto session = sign_in(client, rest[1]);
        if (!session) return print_error(session.error());
        auto page = client.list(*session, 1, 10);
        if (!page) return print_error(page.error());
        std::cout << json{{"count", page->count}}.dump() << "\n";
        return 0;
    }
    auto service = make_remote_token_service(options, pat::system_clock());
    if (op == "validate" && rest.size() == 2) {
        const pat::Secret secret = read_secret();
        auto info = service->validate(rest[0], rest[1], secret, pat::tokenclient::k_new_secret);
        if (!info) return print_error(info.error());
        std::cout << info_json(*info).dump() << "\n";
        return 0;
    }
    if (op == "exchange" && rest.size() == 2) {
        const pat::Secret password = read_secret();
        auto created = service->exchange_password(rest[0], rest[1], password);
        if (!created) return print_error(created.error());
        json out = info_json(created->info);
        out["token_is_pat"] = looks_like_pat(created->token.reveal());
        std::cout << out.dump() << "\n";
        return 0;
    }
    if (op == "usage" && (rest.size() == 2 || rest.size() == 3)) {
        const pat::Secret secret = read_secret();
        TimePoint used_at = std::chrono::system_clock::now();
        if (rest.size() == 3) {
            auto parsed = parse_time(rest[2]);
            if (!parsed) return usage();
            used_at = *parsed;
        }
        auto done = service->report_usage(rest[0], rest[1], secret, pat::tokenclient::k_new_secret,
                                          used_at);
        if (!done) return print_error(done.error());
        std::cout << "{}\n";
        return 0;
    }
    return usage();
}
