#pragma once
// The subcommands behind cli::run, one file each, plus what they share.

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "patd/config/config.hpp"
#include "patd/service/token_service.hpp"

namespace pat::patd::cli {

// `patd serve`: blocks until SIGTERM/SIGINT.
int cmd_serve(config::Config& config);
// `patd user add|2fa|list …` (`words` after "user").
int cmd_user(config::Config& config, const std::vector<std::string>& words, bool password_stdin,
             std::istream& in, std::ostream& out);
// `patd oidc …` (`args` after "oidc"): issuers and trust policies.
int cmd_oidc(const std::vector<std::string>& args, std::ostream& out);
// The options of `patd oidc`, as `patd oidc --help` lists them.
std::string oidc_options_help();
// `patd audit …` (`args` after "audit"): the audit log of every account.
int cmd_audit(const std::vector<std::string>& args, std::ostream& out);
// The options of `patd audit`, as `patd audit --help` lists them.
std::string audit_options_help();
// `patd backup FILE` / `patd restore FILE [--force]` (`args` after the
// command word): the SQLite database copied out and back.
int cmd_backup(const std::vector<std::string>& args, std::ostream& out);
int cmd_restore(const std::vector<std::string>& args, std::ostream& out);
// The options of `patd restore`, as `patd restore --help` lists them.
std::string restore_options_help();
// `patd migrate --to postgresql://…`: SQLite into an empty PostgreSQL.
int cmd_migrate(const std::vector<std::string>& args, std::ostream& out);
std::string migrate_options_help();
// `patd cert`.
int cmd_cert(config::Config& config, std::ostream& out);

// Creates the data dir and pepper, opens the database (running migrations)
// and builds the service with the configured options.
Result<std::unique_ptr<TokenService>, std::string> open_service(const config::Config& config);

// Writes "patd: <text>\n" to stderr in one write, whatever the log level
// (start-up facts the operator and tests rely on).
void say(const std::string& text);

}  // namespace pat::patd::cli
