// `docker-credential-pat doctor`: which keychain the helper would use and
// why, whether D-Bus, the Secret Service and the kernel keyring work, which
// token service each stored key has, and the clock skew against those
// services; every finding that is not ok comes with a fix line.
#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "common/private_dir.hpp"
#include "common/terminal_text.hpp"
#include "credentials/native_keychain.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/doctor_ci_checks.hpp"
#include "helper/commands/parse_values.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/state/token_metadata.hpp"
#include "tokenclient/http_client.hpp"
#include "tokenclient/service_locator.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::helper {
namespace {

using namespace cmd;

// The keychain checks come from the platform (credentials/native_keychain.hpp).
using Status = cred::CheckStatus;
using Finding = cred::CheckFinding;

std::string_view status_name(Status s) {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::warn:
            return "warn";
        case Status::fail:
            return "fail";
        case Status::info:
            return "info";
    }
    return "?";
}

constexpr std::chrono::seconds k_max_skew{30};

// Asks the service's token endpoint anonymously (patd: /token; registry
// kind: its realm) and compares its time with ours: the HTTP Date header,
// else the reply's `issued_at` (patd sends no Date header). Unreachable is a failure: the discovery
// cache may still name a service that is gone.
void check_reach_and_clock(const std::string& name, const std::string& url,
                           std::chrono::milliseconds deadline, std::vector<Finding>& out) {
    tokenclient::HttpRequest request;
    request.url = url;
    request.deadline = deadline;
    const auto before = system_clock().now();
    auto reply = tokenclient::http_send(request);
    const auto after = system_clock().now();
    if (!reply) {
        out.push_back({"token service " + name, Status::fail, reply.error().message,
                       "start the token service, or check the network, "
                       "DOCKER_CREDENTIAL_PAT_BACKEND or the config file's \"services\""});
        return;
    }
    const auto date = reply->header("date");
    auto server = date ? parse_http_date(*date) : std::nullopt;
    if (!server) {
        const auto body = nlohmann::json::parse(reply->body, nullptr, false);
        if (body.is_object() && body.contains("issued_at") && body["issued_at"].is_string()) {
            server = tokenclient::parse_time(body["issued_at"].get<std::string>());
        }
    }
    if (!server) {
        out.push_back(
            {"clock", Status::info, name + " sends neither a Date header nor issued_at", ""});
        return;
    }
    const auto local = before + (after - before) / 2;
    const auto skew = std::chrono::duration_cast<std::chrono::seconds>(local - *server);
    const bool bad = skew > k_max_skew || skew < -k_max_skew;
    out.push_back({"clock", bad ? Status::warn : Status::ok,
                   "skew against " + name + ": " + std::to_string(skew.count()) + " s",
                   bad ? "synchronise the clock (timedatectl set-ntp true): token expiry and "
                         "JWT times depend on it"
                       : ""});
}

void check_services(const HelperConfig& config, const cred::StoreConfig& store_config,
                    const cred::EnvLookup& env, std::vector<Finding>& out) {
    auto store = open_native_store(store_config, env);
    auto listed = store->list();
    if (!listed) {
        out.push_back(
            {"credentials", Status::fail, listed.error().message, "see the store findings above"});
        return;
    }
    // Each stored key with the service recorded for it (its secret goes
    // there only); none stored: the configured service, if any.
    std::vector<std::pair<std::string, tokenclient::StoredService>> keys;
    for (const auto& [key, user] : *listed) {
        if (is_internal_key(key)) continue;
        auto item = store->get(key);
        keys.emplace_back(key, item ? helper::from_metadata(item->metadata).service_url : "");
    }
    if (keys.empty() && config.locator.backend_url)
        keys.emplace_back(*config.locator.backend_url, tokenclient::k_new_secret);
    if (keys.empty()) {
        out.push_back({"token service", Status::info, "no stored credentials to check", ""});
        return;
    }
    tokenclient::ServiceLocator locator(config.locator, system_clock());
    std::map<std::string, std::string> probes;  // service name -> URL to ask
    for (const auto& [key, recorded] : keys) {
        const auto until = std::chrono::steady_clock::now() + 2 * config.locator.deadline;
        auto endpoint =
            recorded ? locator.locate_stored(key, *recorded, until) : locator.locate(key, until);
        if (!endpoint) {
            out.push_back({"token service " + key, Status::fail, endpoint.error().message,
                           "check the network, DOCKER_CREDENTIAL_PAT_BACKEND or the config "
                           "file's \"services\""});
            continue;
        }
        switch (endpoint->kind) {
            case tokenclient::ServiceKind::none:
                out.push_back({"token service " + key, Status::info,
                               "none found (tokens are stored without validation)",
                               "set DOCKER_CREDENTIAL_PAT_BACKEND or \"services\" if the registry "
                               "has one"});
                break;
            case tokenclient::ServiceKind::patd:
                out.push_back({"token service " + key, Status::ok,
                               "patd at " + endpoint->patd_url + " (" + endpoint->source + ")",
                               ""});
                probes[endpoint->patd_url] = endpoint->patd_url + "/token";
                break;
            case tokenclient::ServiceKind::registry:
                out.push_back({"token service " + key, Status::ok,
                               "registry token protocol at " + endpoint->challenge.realm + " (" +
                                   endpoint->source + ")",
                               ""});
                probes[endpoint->challenge.realm] = endpoint->challenge.realm;
                break;
        }
    }
    for (const auto& [name, url] : probes) {
        check_reach_and_clock(name, url, config.locator.deadline, out);
    }
}

// Only a state directory the helper refuses is a finding (README "Token
// service"): a missing one is made on first use.
void check_state_dir(const std::string& dir, std::vector<Finding>& out) {
    struct stat st {};
    if (dir.empty() || ::lstat(dir.c_str(), &st) != 0) return;
    if (auto why = unsafe_dir_reason("the state directory", dir, st)) {
        out.push_back({"state directory", Status::warn,
                       *why + "; not used (credentials still work, without usage reports or "
                              "background token checks)",
                       "make it yours and private (chmod 700; or remove it, and the helper makes "
                       "a new one)"});
    }
}

// The environment around the helper in CI (doctor_ci_checks.hpp). The
// stored keys come from the native store without any network.
void add_ci_findings(const cred::EnvLookup& env, const cred::StoreConfig* store_config,
                     std::vector<Finding>& out) {
    std::vector<std::string> stored;
    if (store_config != nullptr) {
        if (auto store = open_native_store(*store_config, env)) {
            if (auto listed = store->list()) {
                for (const auto& [key, user] : *listed) stored.push_back(key);
            }
        }
    }
    for (const CiFinding& f : {check_docker_auth_config(env, stored),
                               check_gitlab_runner(env, find_runner_config(env))}) {
        const Status status = f.status == "warn"   ? Status::warn
                              : f.status == "fail" ? Status::fail
                              : f.status == "info" ? Status::info
                                                   : Status::ok;
        out.push_back({f.check, status, f.detail, f.fix, f.id});
    }
}

}  // namespace

int run_doctor(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "doctor";
    po::options_description options("Options");
    options.add_options()("offline", "skip the token-service and clock checks");
    int rc = 0;
    auto parsed = parse_command(
        args, options, {},
        {name, "doctor [--offline]",
         "Checks the keychain, D-Bus, the kernel keyring, the token services and the clock,\nand "
         "says how to fix what is wrong. Exits 1 on any failure."},
        ctx, rc);
    if (!parsed) return rc;

    std::vector<Finding> findings;
    // Both kinds of settings, each reported on its own.
    auto [config, store_config] = load_each_setting(ctx.env);
    if (!store_config) {
        findings.push_back({"config", Status::fail, store_config.error().message,
                            "fix the setting named in the message"});
    } else {
        findings.push_back({"config", Status::ok,
                            "store settings valid (" +
                                cred::config_file_path(ctx.env).value_or("no config file path") +
                                ")",
                            ""});
        for (auto& finding : cred::check_keychains(*store_config, ctx.env))
            findings.push_back(std::move(finding));
    }
    if (config) check_state_dir(config->paths.state_dir, findings);
    if (!config) {
        findings.push_back({"config", Status::fail, config.error().message,
                            "fix the setting named in the message"});
    } else if (!parsed->vm.count("offline") && !config->offline && store_config) {
        check_services(*config, *store_config, ctx.env, findings);
    }

    add_ci_findings(ctx.env, store_config ? &*store_config : nullptr, findings);

    bool failed = false;
    for (const auto& f : findings) failed = failed || f.status == Status::fail;
    if (parsed->format == OutputFormat::json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& f : findings) {
            const auto [id, subject] = doctor_check_id(f.check, f.id);
            list.push_back({{"id", id},
                            {"subject", subject},
                            {"check", f.check},
                            {"status", status_name(f.status)},
                            {"detail", f.detail},
                            {"fix", f.fix}});
        }
        ctx.out << list.dump() << '\n';
    } else {
        for (const auto& f : findings) {
            const std::string tag = "[" + std::string(status_name(f.status)) + "]";
            // Keys and service replies appear in checks and details.
            ctx.out << tag << std::string(7 - tag.size(), ' ') << terminal_safe(f.check) << ": "
                    << terminal_safe(f.detail) << '\n';
            if (!f.fix.empty() && f.status != Status::ok)
                ctx.out << "       fix: " << terminal_safe(f.fix) << '\n';
        }
    }
    return failed ? k_exit_failure : 0;
}

}  // namespace pat::helper
