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
//     http URL                      http_send GET: status and body size
// DOCKER_CREDENTIAL_PAT_BACKEND is read from the environment, as the helper does.
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/token_service.hpp"

using namespace pat::tokenclient;
using nlohmann::json;

namespace {

const char* errc_name(pat::cred::Errc code) {
    using pat::cred::Errc;
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

int print_error(const pat::cred::Error& error) {
    std::cout
        << json{{"error", {{"code", errc_name(error.code)}, {"message", error.message}}}}.dump()
        << "\n";
    return 1;
}

json info_json(const TokenInfo& info) {
    json out = json::object();
    for (const auto& [key, value] : to_metadata(info)) out[key] = value;
    return out;
}

pat::Secret read_secret() {
    std::string line;
    std::getline(std::cin, line);
    return pat::Secret(std::move(line));
}

int usage() {
    std::cerr << "usage: tokenclient_tool [--deadline MS] [--cache FILE] [--certs-d DIR] "
                 "[--service KEY=URL]... "
                 "locate|validate|exchange|usage|probe|http ARGS\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    LocatorOptions options;
    if (const char* backend = std::getenv(std::string(k_env_backend).c_str()))
        options.backend_url = backend;
    std::size_t i = 0;
    for (; i + 1 < args.size() && args[i].rfind("--", 0) == 0; i += 2) {
        if (args[i] == "--deadline") {
            options.deadline = std::chrono::milliseconds(std::stol(args[i + 1]));
        } else if (args[i] == "--cache") {
            options.cache_path = args[i + 1];
        } else if (args[i] == "--certs-d") {
            set_docker_certs_root(args[i + 1]);
        } else if (args[i] == "--service") {
            const auto eq = args[i + 1].find('=');
            if (eq == std::string::npos) return usage();
            options.services[args[i + 1].substr(0, eq)] = args[i + 1].substr(eq + 1);
        } else {
            return usage();
        }
    }
    if (i >= args.size()) return usage();
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
        auto response = http_send(request);
        if (!response) return print_error(response.error());
        std::cout << json{{"status", response->status}, {"body_size", response->body.size()}}.dump()
                  << "\n";
        return 0;
    }
    if (op == "probe" && rest.size() == 3) {
        const pat::Secret secret = read_secret();
        auto info = probe_token(BearerChallenge{rest[0], rest[1]}, rest[2], secret, deadline);
        if (!info) return print_error(info.error());
        std::cout << info_json(*info).dump() << "\n";
        return 0;
    }
    auto service = make_remote_token_service(options, pat::system_clock());
    if (op == "validate" && rest.size() == 2) {
        const pat::Secret secret = read_secret();
        auto info = service->validate(rest[0], rest[1], secret);
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
        auto done = service->report_usage(rest[0], rest[1], secret, used_at);
        if (!done) return print_error(done.error());
        std::cout << "{}\n";
        return 0;
    }
    return usage();
}
