#pragma once
// patd's settings: command-line flags, optionally a config file with the
// same keys (`key = value` lines, INI syntax of Boost.Program_options; flags
// win), and the defaults of docs/patd-api.md "Command line defaults".

#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace pat::patd::config {

struct Config {
    std::string config_file;  // --config
    std::string data_dir;     // --data-dir; "" = default_data_dir()
    std::string database;     // --database; "" = sqlite://<data_dir>/patd.db
    std::string log_level = "info";
    std::string listen = "127.0.0.1:5001";
    std::string service = "registry";
    std::string issuer = "patd";
    std::string public_url;    // "" = http://<listen address>, never the Host header
    std::string registry;      // shown in the console's docker login line
    std::string signing_key;   // PEM path; "" = <data_dir>/signing-key.pem
    std::string signing_cert;  // PEM path; "" = <data_dir>/signing-cert.pem
    int token_ttl = 300;
    int last_used_interval = 60;
    int audit_retention = 90;  // days the audit log keeps an event; 0 = forever
    std::vector<std::string> public_namespaces;
    int auth_fail_limit = 10;                  // wrong passwords/2FA codes per account and source
    int auth_max_delay = 300;                  // --auth-max-delay (old name --auth-ban-seconds)
    int password_logins_per_minute = 30;       // per account; 0 = no limit
    std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For is believed
    int max_connections = 0;                   // 0 = descriptor limit - reserve
    int max_connections_per_address = 0;       // 0 = a quarter of max_connections, <= 256
    int threads = 4;
    // Keyless CI (docs/oidc.md).
    std::vector<std::string> oidc_admins;  // may change trusted issuers through the API
    int oidc_fetch_timeout = 4;            // seconds for an issuer's discovery + JWKS
    int oidc_key_refresh = 30;             // seconds between unknown-kid refetches
    int oidc_sweep_interval = 60;          // seconds between deletions of expired oidc tokens
    // The web console's device sign-in (docs/console.md).
    int device_poll_interval = 5;
    int device_code_ttl = 600;
};

// The options every command accepts (data dir, database, config, log level).
boost::program_options::options_description common_options(Config& config);
// The options of `patd serve`.
boost::program_options::options_description serve_options(Config& config);

// Parses `args` (without the command words) against `options`, then the
// config file named by --config (if any) with the same options, and fills
// `config`. `positional` receives the words that are not options. Fails
// with a message for unknown options, bad values or an unreadable file;
// with `file_may_have_more`, keys of the file that `options` does not know
// are ignored (a command that takes only some of serve's settings).
Result<void, std::string> parse(const std::vector<std::string>& args,
                                const boost::program_options::options_description& options,
                                Config& config, std::vector<std::string>& positional,
                                bool file_may_have_more = false);

// Resolves the defaults that depend on other settings (data dir, database,
// key paths) and checks ranges (token ttl >= 60, threads 1..64, …) and
// that every --trusted-proxy is an address or CIDR.
Result<void, std::string> finalize(Config& config);

// $XDG_DATA_HOME/patd, else $HOME/.local/share/patd.
std::string default_data_dir();

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};
// "127.0.0.1:5001", "[::1]:0", "localhost:5001" -> host and port.
Result<ListenAddress, std::string> parse_listen(const std::string& text);

}  // namespace pat::patd::config
