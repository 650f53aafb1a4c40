#include "helper/commands/secret_input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <iterator>

#include "common/terminal_text.hpp"
#include "common/tty_prompt.hpp"

namespace pat::helper::cmd {
namespace {

constexpr std::size_t k_max_secret = 64 * 1024;
constexpr std::size_t k_max_prompted = 4096;  // a typed password or code

cred::Error bad(std::string message) {
    return cred::Error{cred::Errc::bad_input, std::move(message)};
}

cred::Result<Secret> trimmed(std::string&& bytes, std::string_view what, std::string_view from) {
    if (bytes.size() > k_max_secret) {
        wipe_string(bytes);
        return fail(
            bad(std::string(what) + " from " + std::string(from) + " is larger than 64 KiB"));
    }
    if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
    if (!bytes.empty() && bytes.back() == '\r') bytes.pop_back();
    if (bytes.empty())
        return fail(bad(std::string(what) + " from " + std::string(from) + " is empty"));
    return Secret(std::move(bytes));
}

cred::Result<Secret> read_all(std::istream& in, std::string_view what, std::string_view from) {
    // Reserved once: growing the string would leave copies of the secret
    // in freed memory that nothing wipes.
    std::string bytes;
    bytes.reserve(k_max_secret + 4096);
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        bytes.append(buf, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > k_max_secret) break;
    }
    std::memset(buf, 0, sizeof buf);
    return trimmed(std::move(bytes), what, from);
}

cred::Error prompt_failure(const TtyPromptError& error, std::string_view what,
                           std::string_view alternative) {
    switch (error.kind) {
        case TtyPromptError::Kind::no_terminal:
            break;
        case TtyPromptError::Kind::cannot_write:
            return bad("cannot write the prompt to the terminal: " +
                       std::string(std::strerror(error.errno_value)));
        case TtyPromptError::Kind::too_long:
            return bad(std::string(what) + " from the terminal is longer than 4096 bytes");
    }
    return bad(std::string(what) + " needed but there is no terminal to ask on; use " +
               std::string(alternative));
}

}  // namespace

cred::Result<Secret> read_secret_stream(std::istream& in, std::string_view what) {
    return read_all(in, what, "stdin");
}

cred::Result<Secret> read_secret_file(const std::string& path, std::string_view what) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return fail(bad("cannot read " + std::string(what) + " file " + path + ": " +
                        std::strerror(errno)));
    }
    return read_all(file, what, path);
}

cred::Result<Secret> read_secret_env(const cred::EnvLookup& env, const std::string& name,
                                     std::string_view what) {
    auto value = env(name);
    if (!value || value->empty()) {
        return fail(bad("environment variable " + name + " (" + std::string(what) +
                        ") is not set or empty"));
    }
    return trimmed(std::move(*value), what, "$" + name);
}

cred::Result<Secret> prompt_tty(std::string_view prompt, bool hide, std::string_view what,
                                std::string_view alternative) {
    // The prompt names an account and a service URL that may come from the
    // keychain: shown with terminal controls made visible.
    auto line = prompt_tty_line(terminal_safe(prompt), hide, k_max_prompted);
    if (!line.ok()) return fail(prompt_failure(line.error(), what, alternative));
    std::string_view typed = line->reveal();
    if (typed.ends_with('\r')) typed.remove_suffix(1);
    if (typed.empty()) return fail(bad(std::string(what) + " from the terminal is empty"));
    if (typed.size() == line->size()) return std::move(*line);
    return Secret::copy_of(typed);  // the line wipes itself
}

}  // namespace pat::helper::cmd
