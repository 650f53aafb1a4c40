// `docker-credential-pat login R [--no-browser]` and `logout R`: browser
// sign-in for the helper, Docker Desktop style, over the OAuth 2.0 device
// authorization grant (RFC 8628) against patd.
//
// login asks patd for a code pair, shows the verification URL and the user
// code (and opens the browser when there is a display), then polls at the
// interval patd names (5 s more after each slow_down) until the code's
// lifetime ends. The person approves in the console; the helper receives an
// auto-generated token, asks `current` for its metadata and stores it in the
// keychain like `tokens create --store` does, so `docker pull R/…` just
// works. logout deletes that auto-generated token on patd and erases the
// item. A token the owner deactivated or deleted in the console is dropped
// by the helper's next check, like any revoked token (docs/lifecycle.md).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "common/terminal_text.hpp"
#include "common/version.hpp"
#include "helper/commands/cli_support.hpp"
#include "helper/commands/commands.hpp"
#include "helper/commands/runtime.hpp"
#include "helper/state/token_metadata.hpp"

extern char** environ;

namespace pat::helper {
namespace {

using namespace cmd;

constexpr std::chrono::seconds k_max_wait{30 * 60};
constexpr std::chrono::seconds k_max_interval{60};

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown host";
    return buf;
}

// Opens `url` with xdg-open when a display is there; never waits for it and
// never fails the command (the URL is printed anyway).
bool open_browser(const cred::EnvLookup& env, const std::string& url) {
    if (!env("DISPLAY") && !env("WAYLAND_DISPLAY")) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::string program = "xdg-open";
    std::vector<char*> argv{program.data(), const_cast<char*>(url.c_str()), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    // xdg-open hands the URL to the browser and exits; reap it in the background.
    std::thread([pid] {
        int status = 0;
        ::waitpid(pid, &status, 0);
    }).detach();
    return true;
}

cred::Error poll_failure(const tokenclient::DevicePollReply& reply, const std::string& server) {
    std::string why;
    if (reply.error == "access_denied") {
        why = "the sign-in was denied in the browser; nothing stored";
    } else if (reply.error == "expired_token") {
        why = "the code expired before it was approved; run `docker-credential-pat login " +
              server + "` again";
    } else {
        why = "patd refused the sign-in (" + reply.error +
              (reply.description.empty() ? "" : ": " + reply.description) + "); nothing stored";
    }
    return cred::Error{cred::Errc::service_rejected, why};
}

int login(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "login";
    std::string server;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&server)->required(),
                          "the registry R (also the first argument)")(
        "no-browser", "only print the URL and the code; do not open a browser");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(
        args, options, positional,
        {name, "login R [--no-browser]",
         "Signs in through the browser: shows a code to approve in patd's console, then\n"
         "keeps the auto-generated token it receives in the keychain for R."},
        ctx, rc);
    if (!parsed) return rc;
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    HelperConfig& config = settings->helper;
    auto store = open_native_store(settings->store, ctx.env);
    auto client = locate_patd(config, server, ctx.clock);
    if (!client) return report_error(ctx, name, client.error().message);

    auto start = (*client)->start_device("docker-credential-pat", host_name(), k_version);
    if (!start) return report_error(ctx, name, start.error());
    const std::string url = start->verification_uri_complete.empty()
                                ? start->verification_uri
                                : start->verification_uri_complete;
    // The tokenclient refuses a user code or URL that is not visible ASCII;
    // terminal_safe is the second fence for what reaches the terminal.
    ctx.out << "To sign in to " << terminal_safe(server) << ", open "
            << terminal_safe(start->verification_uri) << "\nand enter the code "
            << terminal_safe(start->user_code) << " (or open " << terminal_safe(url) << ")\n";
    if (!parsed->vm.count("no-browser") && open_browser(ctx.env, url))
        ctx.out << "A browser window was opened for you.\n";
    ctx.out << "Waiting for the approval…" << std::endl;

    // Whatever the service says, the helper waits at most 30 minutes and
    // polls at most once a second and at least once a minute.
    const auto lifetime = std::clamp(start->expires_in, std::chrono::seconds(1), k_max_wait);
    const auto deadline = std::chrono::steady_clock::now() + lifetime;
    auto interval = std::clamp(start->interval, std::chrono::seconds(1), k_max_interval);
    std::optional<tokenclient::DevicePollReply> granted;
    while (!granted) {
        if (std::chrono::steady_clock::now() + interval > deadline) {
            return report_error(ctx, name,
                                "the code expired before it was approved; run "
                                "`docker-credential-pat login " +
                                    server + "` again");
        }
        std::this_thread::sleep_for(interval);
        auto reply = (*client)->poll_device(start->device_code);
        if (!reply) return report_error(ctx, name, reply.error());
        if (reply->token) {
            granted = std::move(*reply);
        } else if (reply->error == "authorization_pending") {
            continue;
        } else if (reply->error == "slow_down") {
            // RFC 8628 §3.5: every later poll waits 5 s longer.
            interval = std::min(k_max_interval,
                                std::max(interval + std::chrono::seconds(5),
                                         reply->interval.value_or(std::chrono::seconds(0))));
        } else {
            return report_error(ctx, name, poll_failure(*reply, server));
        }
    }

    const std::string username = granted->username;
    Secret token = std::move(*granted->token);
    auto info = (*client)->current(username, token);
    if (!info || info->state != tokenclient::TokenState::active) {
        (void)(*client)->revoke_current(username, token);
        return report_error(ctx, name,
                            "patd issued a token that it does not accept"
                            " (" +
                                (info ? info->reason : info.error().message) +
                                "); it was deleted again, nothing stored");
    }
    const std::string label = info->label, uuid = info->uuid;
    if (auto added = store_patd_token(*store, server, username, token.clone(), *info,
                                      (*client)->base_url(), ctx.clock);
        !added) {
        (void)(*client)->revoke_current(username, token);
        return report_error(ctx, name,
                            "cannot store the token in the keychain: " + added.error().message +
                                "; it was deleted on patd again");
    }
    if (parsed->format == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"server", server},
                                          {"username", username},
                                          {"uuid", uuid},
                                          {"label", label}}
                       .dump()
                << '\n';
    } else {
        ctx.out << "Signed in to " << terminal_safe(server) << " as " << terminal_safe(username)
                << "; the token '" << terminal_safe(label) << "' (" << terminal_safe(uuid)
                << ") is in the keychain\n";
    }
    return 0;
}

int logout(const Args& args, CommandContext& ctx) {
    constexpr std::string_view name = "logout";
    std::string server;
    po::options_description options("Options");
    options.add_options()("registry", po::value<std::string>(&server)->required(),
                          "the registry R (also the first argument)");
    po::positional_options_description positional;
    positional.add("registry", 1);
    int rc = 0;
    auto parsed = parse_command(args, options, positional,
                                {name, "logout R",
                                 "Deletes the auto-generated token that `login` stored for R on "
                                 "patd, and erases it\nfrom the keychain."},
                                ctx, rc);
    if (!parsed) return rc;
    auto settings = load_settings(ctx.env);
    if (!settings) return report_error(ctx, name, settings.error().message);
    auto store = open_native_store(settings->store, ctx.env);
    auto item = store->get(server);
    if (!item) {
        if (item.error().code == cred::Errc::not_found)
            return report_error(ctx, name, "no credential stored for " + server);
        return report_error(ctx, name, item.error().message);
    }
    const auto info = helper::from_metadata(item->metadata);
    std::string deleted;
    if (info.kind == tokenclient::ServiceKind::patd && info.generated_by == "auto" &&
        !info.service_url.empty()) {
        tokenclient::PatdClient client(info.service_url, settings->helper.locator.deadline);
        auto revoked = client.revoke_current(item->username, item->secret);
        if (revoked) {
            deleted = "deleted the token on patd";
        } else if (revoked.error().code == cred::Errc::service_unauthorized) {
            // Deactivated, deleted or expired already: nothing left to delete.
            deleted = "patd no longer accepts the token";
        } else {
            return report_error(ctx, name,
                                "cannot delete the token on patd (" + revoked.error().message +
                                    "); the keychain item is kept, try again");
        }
    }
    if (auto erased = store->erase(server); !erased && erased.error().code != cred::Errc::not_found)
        return report_error(ctx, name, "cannot erase " + server + ": " + erased.error().message);
    if (parsed->format == OutputFormat::json) {
        ctx.out << nlohmann::ordered_json{{"server", server}, {"token_deleted", !deleted.empty()}}
                       .dump()
                << '\n';
    } else {
        ctx.out << "Logged out of " << terminal_safe(server)
                << (deleted.empty() ? "" : "; " + deleted) << '\n';
    }
    return 0;
}

}  // namespace

int run_login(const Args& args, CommandContext& ctx) {
    return login(args, ctx);
}

int run_logout(const Args& args, CommandContext& ctx) {
    return logout(args, ctx);
}

}  // namespace pat::helper
