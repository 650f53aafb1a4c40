// `patd backup FILE` and `patd restore FILE [--force]`: a consistent copy of
// the SQLite database while patd serves, and the way back
// (docs/operations.md "Backup and restore"; PostgreSQL has pg_dump); and
// `patd migrate --to postgresql://…`, SQLite into an empty PostgreSQL.
#include <sys/stat.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "common/log.hpp"
#include "patd/cli/commands.hpp"
#include "patd/config/data_dir.hpp"
#include "patd/store/sqlite/sqlite_backup.hpp"
#include "patd/store/table_copy.hpp"

namespace pat::patd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* k_backup_usage =
    "usage: patd backup FILE\n       patd restore FILE [--force]\n"
    "       patd migrate --to postgresql://...\n";
// Long enough for a large database behind a busy writer; never forever.
constexpr int k_deadline_ms = 60000;

int usage(const std::string& message) {
    say(message);
    std::cerr << k_backup_usage;
    return 2;
}

po::options_description restore_options(bool& force) {
    po::options_description own("Options of patd restore");
    own.add_options()("force", po::bool_switch(&force),
                      "replace a database that holds accounts (stop patd first)");
    return own;
}

// The SQLite file behind the configured database, or a message saying why
// there is none.
Result<std::string, std::string> sqlite_path(const config::Config& config,
                                             const std::string& command) {
    constexpr std::string_view k_sqlite = "sqlite://";
    const std::string& url = config.database;
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return fail("patd " + command +
                    " copies SQLite databases; for PostgreSQL use pg_dump and pg_restore "
                    "(docs/operations.md \"Backup and restore\")");
    if (!url.starts_with(k_sqlite) || url == "sqlite://:memory:")
        return fail("patd " + command + " needs a sqlite://PATH database, not " + url);
    return std::string(url.substr(k_sqlite.size()));
}

std::string summary_line(const sqlite::BackupSummary& s) {
    return std::to_string(s.accounts) + " account(s), " + std::to_string(s.tokens) +
           " token(s), schema version " + std::to_string(s.schema_version);
}

// Parses `args` (after the command word) into `config` and the one FILE.
Result<std::string, int> parse_file_arg(const std::vector<std::string>& args,
                                        config::Config& config,
                                        const po::options_description& options) {
    std::vector<std::string> words;
    if (auto parsed = config::parse(args, options, config, words, /*file_may_have_more=*/true);
        !parsed)
        return fail(usage(parsed.error()));
    if (words.empty()) return fail(usage("missing FILE"));
    if (words.size() > 1) return fail(usage("unexpected argument '" + words[1] + "'"));
    if (!log::set_level_from_string(config.log_level))
        return fail(usage("unknown --log-level '" + config.log_level + "'"));
    if (auto ok = config::finalize(config); !ok) return fail(usage(ok.error()));
    return words[0];
}

po::options_description migrate_options(std::string& to) {
    po::options_description own("Options of patd migrate");
    own.add_options()("to", po::value(&to),
                      "the empty PostgreSQL database to copy into (postgresql://...; a password "
                      "belongs in ~/.pgpass or PGPASSWORD, not here)");
    return own;
}

}  // namespace

std::string migrate_options_help() {
    std::string unused;
    std::ostringstream text;
    text << migrate_options(unused);
    return text.str();
}

int cmd_migrate(const std::vector<std::string>& args, std::ostream& out) {
    config::Config config;
    std::string to;
    auto options = config::common_options(config);
    options.add(migrate_options(to));
    std::vector<std::string> words;
    if (auto parsed = config::parse(args, options, config, words, /*file_may_have_more=*/true);
        !parsed)
        return usage(parsed.error());
    if (!words.empty()) return usage("unexpected argument '" + words[0] + "'");
    if (!log::set_level_from_string(config.log_level))
        return usage("unknown --log-level '" + config.log_level + "'");
    if (auto ok = config::finalize(config); !ok) return usage(ok.error());
    if (!to.starts_with("postgresql://") && !to.starts_with("postgres://"))
        return usage("migrate needs --to postgresql://...");
    auto source = sqlite_path(config, "migrate");
    if (!source) {
        say(source.error());
        return 1;
    }
    auto counts = copy_sqlite_to_postgres(*source, to);
    if (!counts) {
        say("migrate: " + counts.error());
        return 1;
    }
    std::string line;
    for (const auto& c : *counts)
        line.append(line.empty() ? "" : ", ")
            .append(c.table)
            .append(" ")
            .append(std::to_string(c.rows));
    out << "patd: copied " << *source << " into PostgreSQL, row counts checked: " << line << "\n"
        << "patd: serve with --database set to the new database and the same data dir (its "
           "pepper)\n";
    return out ? 0 : 1;
}

std::string restore_options_help() {
    bool unused = false;
    std::ostringstream text;
    text << restore_options(unused);
    return text.str();
}

int cmd_backup(const std::vector<std::string>& args, std::ostream& out) {
    config::Config config;
    auto file = parse_file_arg(args, config, config::common_options(config));
    if (!file) return file.error();
    auto source = sqlite_path(config, "backup");
    if (!source) {
        say(source.error());
        return 1;
    }
    auto summary = sqlite::backup_database(*source, *file, k_deadline_ms);
    if (!summary) {
        say(summary.error());
        return 1;
    }
    out << "patd: backup of " << *source << " written to " << *file << ": "
        << summary_line(*summary) << "\n"
        << "patd: the backup holds token digests, not the pepper they are keyed with: keep "
        << config.data_dir << "/pepper (and the signing key) too, stored apart\n";
    return out ? 0 : 1;
}

int cmd_restore(const std::vector<std::string>& args, std::ostream& out) {
    config::Config config;
    bool force = false;
    auto options = config::common_options(config);
    options.add(restore_options(force));
    auto file = parse_file_arg(args, config, options);
    if (!file) return file.error();
    auto target = sqlite_path(config, "restore");
    if (!target) {
        say(target.error());
        return 1;
    }
    // A new data dir is made as patd makes it; the pepper is not: patd
    // would make a new one, and no restored token would match it.
    if (auto made = config::ensure_private_dir(config.data_dir); !made) {
        say(made.error());
        return 1;
    }
    auto summary = sqlite::restore_database(*file, *target, force, k_deadline_ms);
    if (!summary) {
        say(summary.error());
        return 1;
    }
    out << "patd: " << *target << " restored from " << *file << ": " << summary_line(*summary)
        << "\n";
    struct stat st {};
    if (::stat((config.data_dir + "/pepper").c_str(), &st) != 0)
        say("warning: " + config.data_dir +
            " has no pepper: copy the backed-up data dir's pepper there before patd starts, or "
            "every restored token is refused");
    return out ? 0 : 1;
}

}  // namespace pat::patd::cli
