#include "patd/config/config.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>

#include "patd/domain/ip_address.hpp"

namespace pat::patd::config {

namespace po = boost::program_options;

po::options_description common_options(Config& c) {
    po::options_description d("Common options");
    d.add_options()(
        "config", po::value(&c.config_file)->value_name("FILE"),
        "read settings from FILE (key = value lines, same keys as the flags; flags win)")(
        "data-dir", po::value(&c.data_dir)->value_name("DIR"),
        "database, signing key/cert and pepper (default $XDG_DATA_HOME/patd)")(
        "database", po::value(&c.database)->value_name("URL"),
        "sqlite:///path.db or postgresql://user@host/db (default sqlite://<data-dir>/patd.db)")(
        "log-level", po::value(&c.log_level)->value_name("LEVEL"),
        "debug|info|warn|error|off (default info)");
    return d;
}

po::options_description serve_options(Config& c) {
    po::options_description d("Options of patd serve");
    d.add_options()("listen", po::value(&c.listen)->value_name("HOST:PORT"),
                    "address to listen on (default 127.0.0.1:5001; port 0 picks a free port)")(
        "service", po::value(&c.service)->value_name("NAME"),
        "the registry's auth.token.service, the JWT audience (default registry)")(
        "issuer", po::value(&c.issuer)->value_name("NAME"),
        "the registry's auth.token.issuer, the JWT issuer (default patd)")(
        "public-url", po::value(&c.public_url)->value_name("URL"),
        "external base URL of patd, used in links (default http://<listen address>; never "
        "the request's Host header); https:// marks the console's cookies Secure")(
        "registry", po::value(&c.registry)->value_name("HOST[:PORT]"),
        "the registry the console names in its `docker login -u USER REGISTRY` line")(
        "signing-key", po::value(&c.signing_key)->value_name("PEM"),
        "P-256 private key (default: generated in the data dir)")(
        "signing-cert", po::value(&c.signing_cert)->value_name("PEM"),
        "certificate of the signing key (default: self-signed in the data dir)")(
        "token-ttl", po::value(&c.token_ttl)->value_name("SECONDS"),
        "lifetime of registry tokens, >= 60 (default 300)")(
        "last-used-interval", po::value(&c.last_used_interval)->value_name("SECONDS"),
        "at most one last-used write per token per interval (default 60)")(
        "audit-retention", po::value(&c.audit_retention)->value_name("DAYS"),
        "days the audit log keeps an event, 0 = forever (default 90)")(
        "public-namespace", po::value(&c.public_namespaces)->value_name("NAME")->composing(),
        "repeatable: a namespace whose repositories anyone may pull")(
        "auth-fail-limit", po::value(&c.auth_fail_limit)->value_name("N"),
        "wrong passwords or 2FA codes for one account from one address before each further "
        "attempt from there waits (1 s, doubling); one address over all accounts gets 10 times "
        "N; PATs are never counted or limited (default 10)")(
        "auth-max-delay", po::value(&c.auth_max_delay)->value_name("SECONDS"),
        "the longest such wait, answered 429 with Retry-After (default 300)")(
        "auth-ban-seconds", po::value(&c.auth_max_delay)->value_name("SECONDS"),
        "old name of --auth-max-delay")(
        "password-logins-per-minute", po::value(&c.password_logins_per_minute)->value_name("N"),
        "correct passwords accepted per account per minute (login and /token; 0 = no limit; "
        "default 30)")(
        "trusted-proxy", po::value(&c.trusted_proxies)->value_name("CIDR")->composing(),
        "repeatable: a reverse proxy (address or CIDR) whose X-Forwarded-For names the client; "
        "from any other peer the header is ignored (default none)")(
        "max-connections", po::value(&c.max_connections)->value_name("N"),
        "open connections at most (default: the descriptor limit minus 64)")(
        "max-connections-per-address", po::value(&c.max_connections_per_address)->value_name("N"),
        "open connections per client address or IPv6 /64, trusted proxies exempt (default: a "
        "quarter of --max-connections, at most 256)")(
        "threads", po::value(&c.threads)->value_name("N"),
        "HTTP worker threads (default 4); password checks run on 2 more of their own")(
        "oidc-admin", po::value(&c.oidc_admins)->value_name("NAME")->composing(),
        "repeatable: an account that may add and remove trusted OIDC issuers through the API")(
        "oidc-fetch-timeout", po::value(&c.oidc_fetch_timeout)->value_name("SECONDS"),
        "total time for fetching an OIDC issuer's discovery document and JWKS (default 4)")(
        "oidc-key-refresh", po::value(&c.oidc_key_refresh)->value_name("SECONDS"),
        "at least this long between JWKS refetches for an unknown kid (default 30)")(
        "oidc-sweep-interval", po::value(&c.oidc_sweep_interval)->value_name("SECONDS"),
        "how often expired tokens of the OIDC exchange are deleted (default 60)")(
        "device-poll-interval", po::value(&c.device_poll_interval)->value_name("SECONDS"),
        "how often `docker-credential-pat login` may poll, 1-60 (default 5, RFC 8628)")(
        "device-code-ttl", po::value(&c.device_code_ttl)->value_name("SECONDS"),
        "how long a `docker-credential-pat login` code waits for its approval, 1-3600 "
        "(default 600)");
    return d;
}

Result<void, std::string> parse(const std::vector<std::string>& args,
                                const po::options_description& options, Config& config,
                                std::vector<std::string>& positional, bool file_may_have_more) {
    try {
        po::options_description all = options;
        all.add_options()("args", po::value(&positional)->composing(), "");
        po::positional_options_description pos;
        pos.add("args", -1);
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        po::notify(vm);
        if (!config.config_file.empty()) {
            std::ifstream file(config.config_file);
            if (!file) return fail("cannot read config file " + config.config_file);
            // store() keeps the first value of each key, so flags win.
            po::store(po::parse_config_file(file, options, file_may_have_more), vm);
            po::notify(vm);
        }
    } catch (const po::error& e) {
        return fail(std::string(e.what()));
    }
    return {};
}

std::string default_data_dir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') return std::string(xdg) + "/patd";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/patd";
}

Result<void, std::string> finalize(Config& c) {
    if (c.data_dir.empty()) c.data_dir = default_data_dir();
    while (c.data_dir.size() > 1 && c.data_dir.back() == '/') c.data_dir.pop_back();
    if (c.database.empty()) c.database = "sqlite://" + c.data_dir + "/patd.db";
    if (c.signing_key.empty() != c.signing_cert.empty())
        return fail(std::string("--signing-key and --signing-cert go together"));
    if (c.token_ttl < 60 || c.token_ttl > 86400)
        return fail(std::string("--token-ttl must be between 60 and 86400 seconds"));
    if (c.last_used_interval < 0 || c.last_used_interval > 86400)
        return fail(std::string("--last-used-interval must be between 0 and 86400 seconds"));
    if (c.audit_retention < 0 || c.audit_retention > 36500)
        return fail(std::string("--audit-retention must be between 0 and 36500 days"));
    if (c.threads < 1 || c.threads > 64) return fail(std::string("--threads must be 1..64"));
    if (c.device_poll_interval < 1 || c.device_poll_interval > 60)
        return fail(std::string("--device-poll-interval must be 1..60"));
    if (c.device_code_ttl < 1 || c.device_code_ttl > 3600)
        return fail(std::string("--device-code-ttl must be 1..3600"));
    if (c.auth_fail_limit < 1) return fail(std::string("--auth-fail-limit must be >= 1"));
    if (c.oidc_fetch_timeout < 1 || c.oidc_fetch_timeout > 60)
        return fail(std::string("--oidc-fetch-timeout must be 1..60 seconds"));
    if (c.oidc_key_refresh < 0 || c.oidc_key_refresh > 3600)
        return fail(std::string("--oidc-key-refresh must be 0..3600 seconds"));
    if (c.oidc_sweep_interval < 1 || c.oidc_sweep_interval > 86400)
        return fail(std::string("--oidc-sweep-interval must be 1..86400 seconds"));
    if (c.auth_max_delay < 1) return fail(std::string("--auth-max-delay must be >= 1"));
    if (c.password_logins_per_minute < 0)
        return fail(std::string("--password-logins-per-minute must be >= 0"));
    if (c.max_connections < 0 || c.max_connections_per_address < 0)
        return fail(
            std::string("--max-connections and --max-connections-per-address must be >= 0"));
    for (const auto& proxy : c.trusted_proxies)
        if (!parse_network(proxy))
            return fail("--trusted-proxy: '" + proxy +
                        "' is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)");
    if (c.service.empty() || c.issuer.empty())
        return fail(std::string("--service and --issuer must not be empty"));
    return {};
}

Result<ListenAddress, std::string> parse_listen(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return fail("--listen wants HOST:PORT, got '" + text + "'");
    ListenAddress out;
    out.host = text.substr(0, colon);
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
        out.host = out.host.substr(1, out.host.size() - 2);
    if (out.host == "localhost") out.host = "127.0.0.1";
    const std::string port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
        return fail("--listen: bad port in '" + text + "'");
    out.port = static_cast<std::uint16_t>(std::stoi(port));
    return out;
}

}  // namespace pat::patd::config
