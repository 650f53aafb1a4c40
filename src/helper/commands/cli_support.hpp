#pragma once
// What every command shares: Boost.Program_options parsing into one error
// line, the `--format table|json` option, `--help`, and the error line
// "docker-credential-pat <command>: <message>" with its exit code.

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "credentials/errors.hpp"
#include "helper/commands/commands.hpp"

namespace pat::helper::cmd {

namespace po = boost::program_options;

// Exit codes of the commands: 0 success, 1 failure (service, keychain,
// refused input), 2 usage error (unknown/missing option, bad value).
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

enum class OutputFormat { table, json };

// Writes "docker-credential-pat <command>: <message>\n" to ctx.err and
// returns `code`.
int report_error(CommandContext& ctx, std::string_view command, std::string_view message,
                 int code = k_exit_failure);
// The same for a cred::Error: bad_input -> k_exit_usage, else failure.
int report_error(CommandContext& ctx, std::string_view command, const cred::Error& error);

// Parses `args`; positional names in `positional` (may be empty). Boost's
// exceptions become one bad_input error (e.g. "the option '--label' is
// required but missing"); po::notify runs, so `required()` is checked.
cred::Result<po::variables_map> parse_options(const Args& args,
                                              const po::options_description& options,
                                              const po::positional_options_description& positional);

// Every string value of `vm` must be clean text (credentials/input_text.hpp):
// well-formed UTF-8 without control characters. Else one bad_input line,
// e.g. "invalid registry: not valid UTF-8" for a positional or
// "invalid --label value: it contains a control character (\u001b)".
cred::Result<void> refuse_unclean_text(const po::variables_map& vm,
                                       const po::positional_options_description& positional);

// Adds --help and --format to `options`.
void add_common_options(po::options_description& options, std::string& format);
// "table" | "json", else bad_input.
cred::Result<OutputFormat> parse_format(std::string_view text);

// Prints "Usage: docker-credential-pat <usage>\n<summary>\n\n<options>" on ctx.out.
int print_help(CommandContext& ctx, std::string_view usage, std::string_view summary,
               const po::options_description& options);

struct CommandHelp {
    std::string_view name;     // "ci login": the prefix of error lines
    std::string_view usage;    // after "Usage: docker-credential-pat "
    std::string_view summary;  // one paragraph
};

struct ParsedCommand {
    po::variables_map vm;
    OutputFormat format = OutputFormat::table;
};

// The common start of every command: adds --help/--format to `options`,
// parses, prints --help (exit 0) or the error line (exit 2). nullopt means
// "return `exit_code` now".
std::optional<ParsedCommand> parse_command(const Args& args, po::options_description& options,
                                           const po::positional_options_description& positional,
                                           const CommandHelp& help, CommandContext& ctx,
                                           int& exit_code);

// The value of an optional string option, or nullopt.
std::optional<std::string> opt_string(const po::variables_map& vm, const char* name);

}  // namespace pat::helper::cmd
