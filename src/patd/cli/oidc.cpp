// `patd oidc add-issuer|list-issuers|remove-issuer` and
// `patd oidc policy add|list|remove` (docs/oidc.md): the operator's side of
// keyless CI. They work on the database directly, like `patd user`; a
// running `patd serve` sees the change on its next exchange.
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>
#include <map>
#include <sstream>

#include "common/log.hpp"
#include "patd/cli/commands.hpp"

namespace pat::patd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* k_oidc_usage =
    "usage: patd oidc add-issuer URL [--audience AUD]\n"
    "       patd oidc list-issuers\n"
    "       patd oidc remove-issuer URL|ID\n"
    "       patd oidc policy add --account NAME --issuer URL --claim NAME=VALUE... --scope "
    "read|write|delete [--ttl 15m]\n"
    "       patd oidc policy list [--account NAME]\n"
    "       patd oidc policy remove ID\n";

struct OidcArgs {
    std::string audience;
    std::string account;
    std::string issuer;
    std::vector<std::string> claims;
    std::string scope;
    std::string ttl;
};

int report(const Error& error) {
    std::string line = error.message.empty() ? std::string(code_name(error.code)) : error.message;
    for (const auto& [field, problem] : error.fields)
        line.append("; ").append(field).append(" ").append(problem);
    say(line);
    return 1;
}

int usage(const std::string& message) {
    say(message);
    std::cerr << k_oidc_usage;
    return 2;
}

// "900", "900s", "15m", "1h" -> seconds.
std::optional<std::chrono::seconds> parse_ttl(const std::string& text) {
    if (text.empty() || text.size() > 8) return std::nullopt;
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == 0) return std::nullopt;
    const long long n = std::stoll(text.substr(0, digits));
    const std::string unit = text.substr(digits);
    if (unit.empty() || unit == "s") return std::chrono::seconds(n);
    if (unit == "m") return std::chrono::seconds(n * 60);
    if (unit == "h") return std::chrono::seconds(n * 3600);
    return std::nullopt;
}

std::string claims_text(const std::map<std::string, std::string>& claims) {
    std::string out;
    for (const auto& [claim, pattern] : claims) {
        if (!out.empty()) out += ' ';
        out.append(claim).append("=").append(pattern);
    }
    return out;
}

int policy_add(TokenService& svc, const OidcArgs& a, std::ostream& out) {
    NewOidcPolicy p;
    p.account = a.account;
    p.issuer = a.issuer;
    if (p.account.empty() || p.issuer.empty())
        return usage("policy add needs --account NAME and --issuer URL");
    for (const auto& c : a.claims) {
        const auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0)
            return usage("--claim wants NAME=VALUE (a glob with * ? allowed), got '" + c + "'");
        if (p.claims.count(c.substr(0, eq)))
            return usage("--claim " + c.substr(0, eq) + " is given twice");
        p.claims[c.substr(0, eq)] = c.substr(eq + 1);
    }
    if (!a.scope.empty()) p.scope = a.scope;
    if (!a.ttl.empty()) {
        p.ttl = parse_ttl(a.ttl);
        if (!p.ttl) return usage("--ttl wants seconds or 30s, 15m, 1h; got '" + a.ttl + "'");
    }
    auto added = svc.add_oidc_policy(p);
    if (!added) return report(added.error());
    out << added->id << "\n";
    say("added trust policy " + added->id + ": jobs of " + added->issuer + " with " +
        claims_text(added->claims) + " get " + std::string(to_string(added->scope)) + " on " +
        added->account + "/* for " + std::to_string(added->ttl.count()) + "s");
    return out ? 0 : 1;
}

int run_oidc(TokenService& svc, const std::vector<std::string>& words, const OidcArgs& a,
             std::ostream& out) {
    const std::string verb = words.empty() ? "" : words[0];
    const std::size_t n = words.size();
    if (verb == "add-issuer" && n == 2) {
        auto added = svc.add_oidc_issuer(words[1], a.audience);
        if (!added) return report(added.error());
        out << added->id << "\n";
        say("trusting ID tokens of " + added->url + " with audience " + added->audience);
        return out ? 0 : 1;
    }
    if (verb == "list-issuers" && n == 1) {
        auto all = svc.list_oidc_issuers();
        if (!all) return report(all.error());
        for (const auto& i : *all)
            out << i.id << "\t" << i.url << "\t" << i.audience << "\t"
                << format_rfc3339(i.created_at) << "\n";
        return out ? 0 : 1;
    }
    if (verb == "remove-issuer" && n == 2) {
        auto done = svc.remove_oidc_issuer(words[1]);
        if (!done) return report(done.error());
        say("no longer trusting " + words[1]);
        return 0;
    }
    const std::string sub = n > 1 ? words[1] : "";
    if (verb == "policy" && sub == "add" && n == 2) return policy_add(svc, a, out);
    if (verb == "policy" && sub == "list" && n == 2) {
        auto all = svc.list_oidc_policies(
            a.account.empty() ? std::nullopt : std::optional<std::string_view>(a.account));
        if (!all) return report(all.error());
        for (const auto& p : *all)
            out << p.id << "\t" << p.account << "\t" << p.issuer << "\t" << to_string(p.scope)
                << "\t" << p.ttl.count() << "s\t" << claims_text(p.claims) << "\n";
        return out ? 0 : 1;
    }
    if (verb == "policy" && sub == "remove" && n == 3) {
        auto done = svc.remove_oidc_policy(words[2]);
        if (!done) return report(done.error());
        say("removed trust policy " + words[2]);
        return 0;
    }
    return usage(verb.empty() ? "missing oidc command" : "bad oidc command line");
}

po::options_description oidc_options(OidcArgs& a) {
    po::options_description own("Options of patd oidc");
    own.add_options()("audience", po::value(&a.audience), "add-issuer: the aud its tokens carry")(
        "account", po::value(&a.account), "policy: the account whose namespace it grants")(
        "issuer", po::value(&a.issuer), "policy add: the trusted issuer's URL")(
        "claim", po::value(&a.claims)->composing(), "policy add: NAME=VALUE, repeatable")(
        "scope", po::value(&a.scope), "policy add: read, write or delete (repo:admin)")(
        "ttl", po::value(&a.ttl), "policy add: token lifetime, 10s..1h (default 15m)");
    return own;
}

}  // namespace

std::string oidc_options_help() {
    OidcArgs unused;
    std::ostringstream text;
    text << oidc_options(unused);
    return text.str();
}

int cmd_oidc(const std::vector<std::string>& args, std::ostream& out) {
    config::Config config;
    OidcArgs a;
    auto options = config::common_options(config);
    const auto own = oidc_options(a);
    options.add(own);
    std::vector<std::string> words;
    // The config file is serve's: its other keys are no concern of ours.
    if (auto parsed = config::parse(args, options, config, words, /*file_may_have_more=*/true);
        !parsed)
        return usage(parsed.error());
    if (!log::set_level_from_string(config.log_level))
        return usage("unknown --log-level '" + config.log_level + "'");
    if (auto ok = config::finalize(config); !ok) return usage(ok.error());
    auto service = open_service(config);
    if (!service) {
        say(service.error());
        return 1;
    }
    return run_oidc(**service, words, a, out);
}

}  // namespace pat::patd::cli
