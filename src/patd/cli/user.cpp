// `patd user add NAME [--password-stdin]`, `patd user 2fa NAME enable|disable`,
// `patd user list`.
#include <istream>
#include <ostream>

#include "common/tty_prompt.hpp"
#include "patd/cli/commands.hpp"

namespace pat::patd::cli {
namespace {

// Reads one line from the terminal with echo off (common/tty_prompt.hpp);
// nullopt without a terminal. A longer answer than any password patd takes
// is refused here (as an empty one, after saying why).
std::optional<Secret> prompt_hidden(std::string_view prompt) {
    auto line = prompt_tty_line(prompt, true, 4096);
    if (line.ok()) return std::move(*line);
    if (line.error().kind != TtyPromptError::Kind::too_long) return std::nullopt;
    say("the password is longer than 4096 bytes");
    return Secret();
}

std::optional<Secret> read_password(bool from_stdin, std::istream& in) {
    if (from_stdin) {
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return Secret(std::move(line));
    }
    auto first = prompt_hidden("Password: ");
    if (!first) return std::nullopt;
    auto again = prompt_hidden("Repeat password: ");
    if (!again || !(*first == *again)) {
        say("passwords do not match");
        return Secret();
    }
    return first;
}

int report(const Error& error) {
    say(error.message.empty() ? std::string(code_name(error.code)) : error.message);
    for (const auto& [field, problem] : error.fields) {
        std::string line = "  ";
        line.append(field).append(": ").append(problem);
        say(line);
    }
    return 1;
}

}  // namespace

int cmd_user(config::Config& config, const std::vector<std::string>& words, bool password_stdin,
             std::istream& in, std::ostream& out) {
    const std::string verb = words.empty() ? "" : words[0];
    const bool shape_ok =
        (verb == "add" && words.size() == 2) ||
        (verb == "2fa" && words.size() == 3 && (words[2] == "enable" || words[2] == "disable")) ||
        (verb == "list" && words.size() == 1);
    if (!shape_ok) {
        say("usage: patd user add NAME [--password-stdin] | user 2fa NAME enable|disable | user "
            "list");
        return 2;
    }
    std::optional<Secret> password;
    if (verb == "add") {
        password = read_password(password_stdin, in);
        if (!password) {
            say("no terminal to ask for the password; use --password-stdin");
            return 2;
        }
        if (password->empty()) {
            say("empty password");
            return 1;
        }
    }
    auto service = open_service(config);
    if (!service) {
        say(service.error());
        return 1;
    }
    TokenService& svc = **service;
    if (verb == "add") {
        auto created = svc.create_account(words[1], *password);
        if (!created) return report(created.error());
        say("created account " + created->username);
        return 0;
    }
    if (verb == "2fa" && words[2] == "enable") {
        auto uri = svc.enable_2fa(words[1]);
        if (!uri) return report(uri.error());
        out << uri->reveal() << "\n";
        return out ? 0 : 1;
    }
    if (verb == "2fa") {
        auto done = svc.disable_2fa(words[1]);
        if (!done) return report(done.error());
        say("two-factor authentication disabled for " + words[1]);
        return 0;
    }
    auto accounts = svc.list_accounts();
    if (!accounts) return report(accounts.error());
    for (const auto& account : *accounts) {
        out << account.username << "\t" << (account.two_factor_enabled ? "2fa" : "-") << "\t"
            << format_rfc3339(account.created_at) << "\n";
    }
    return out ? 0 : 1;
}

}  // namespace pat::patd::cli
