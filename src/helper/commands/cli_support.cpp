#include "helper/commands/cli_support.hpp"

#include <ostream>
#include <vector>

#include "common/terminal_text.hpp"
#include "credentials/input_text.hpp"

namespace pat::helper::cmd {

int report_error(CommandContext& ctx, std::string_view command, std::string_view message,
                 int code) {
    // Messages quote keys, labels and service replies: no terminal controls.
    ctx.err << "docker-credential-pat " << command << ": " << terminal_safe(message) << '\n';
    ctx.err.flush();
    return code;
}

int report_error(CommandContext& ctx, std::string_view command, const cred::Error& error) {
    return report_error(ctx, command, error.message,
                        error.code == cred::Errc::bad_input ? k_exit_usage : k_exit_failure);
}

cred::Result<po::variables_map> parse_options(
    const Args& args, const po::options_description& options,
    const po::positional_options_description& positional) {
    po::variables_map vm;
    try {
        // No abbreviated option names: a script's `--pass` must not become
        // `--password-stdin` silently when a new option is added.
        const int style =
            po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(args)
                      .options(options)
                      .positional(positional)
                      .style(style)
                      .run(),
                  vm);
        if (vm.count("help")) return vm;  // --help wins over missing required options
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(cred::Error{cred::Errc::bad_input, e.what()});
    }
    return vm;
}

cred::Result<void> refuse_unclean_text(const po::variables_map& vm,
                                       const po::positional_options_description& positional) {
    auto is_positional = [&](const std::string& name) {
        for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i) {
            if (positional.name_for_position(i) == name) return true;
        }
        return false;
    };
    for (const auto& [name, value] : vm) {
        std::vector<std::string> texts;
        if (const auto* one = boost::any_cast<std::string>(&value.value())) texts.push_back(*one);
        if (const auto* many = boost::any_cast<std::vector<std::string>>(&value.value())) {
            texts = *many;
        }
        for (const std::string& text : texts) {
            if (auto problem = cred::text_problem(text)) {
                const std::string what = is_positional(name) ? name : "--" + name + " value";
                return fail(
                    cred::Error{cred::Errc::bad_input, "invalid " + what + ": " + *problem});
            }
        }
    }
    return {};
}

void add_common_options(po::options_description& options, std::string& format) {
    options.add_options()("format", po::value<std::string>(&format)->default_value("table"),
                          "output: table (for people) or json (for scripts)")("help,h",
                                                                              "show this help");
}

cred::Result<OutputFormat> parse_format(std::string_view text) {
    if (text == "table") return OutputFormat::table;
    if (text == "json") return OutputFormat::json;
    return fail(cred::Error{cred::Errc::bad_input, "invalid --format value '" + std::string(text) +
                                                       "': expected table or json"});
}

int print_help(CommandContext& ctx, std::string_view usage, std::string_view summary,
               const po::options_description& options) {
    ctx.out << "Usage: docker-credential-pat " << usage << '\n' << summary << "\n\n" << options;
    ctx.out.flush();
    return 0;
}

std::optional<ParsedCommand> parse_command(const Args& args, po::options_description& options,
                                           const po::positional_options_description& positional,
                                           const CommandHelp& help, CommandContext& ctx,
                                           int& exit_code) {
    std::string format;
    add_common_options(options, format);
    auto vm = parse_options(args, options, positional);
    if (!vm) {
        exit_code = report_error(ctx, help.name, vm.error());
        return std::nullopt;
    }
    if (vm->count("help")) {
        exit_code = print_help(ctx, help.usage, help.summary, options);
        return std::nullopt;
    }
    if (auto refused = refuse_unclean_text(*vm, positional); !refused) {
        exit_code = report_error(ctx, help.name, refused.error());
        return std::nullopt;
    }
    auto parsed = parse_format(format);
    if (!parsed) {
        exit_code = report_error(ctx, help.name, parsed.error());
        return std::nullopt;
    }
    return ParsedCommand{std::move(*vm), *parsed};
}

std::optional<std::string> opt_string(const po::variables_map& vm, const char* name) {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
}

}  // namespace pat::helper::cmd
