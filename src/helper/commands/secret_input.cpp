#include "helper/commands/secret_input.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <iterator>

#include "common/terminal_text.hpp"

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

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

// Restores the terminal's settings when the prompt ends.
struct EchoGuard {
    int fd;
    termios saved{};
    bool active = false;
    ~EchoGuard() {
        if (active) ::tcsetattr(fd, TCSAFLUSH, &saved);
    }
};

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
    const FdCloser tty{::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)};
    if (tty.fd < 0) {
        return fail(bad(std::string(what) + " needed but there is no terminal to ask on; use " +
                        std::string(alternative)));
    }
    EchoGuard guard{tty.fd};
    if (hide && ::tcgetattr(tty.fd, &guard.saved) == 0) {
        termios quiet = guard.saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        guard.active = ::tcsetattr(tty.fd, TCSAFLUSH, &quiet) == 0;
    }
    // The prompt names an account and a service URL that may come from the
    // keychain: shown with terminal controls made visible.
    const std::string shown = terminal_safe(prompt);
    if (::write(tty.fd, shown.data(), shown.size()) < 0) {
        return fail(
            bad("cannot write the prompt to the terminal: " + std::string(std::strerror(errno))));
    }
    std::string line;
    line.reserve(k_max_prompted + 1);  // never reallocated: no unwiped copies
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(tty.fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') break;
        line.push_back(c);
        if (line.size() > k_max_prompted) break;
    }
    c = 0;
    if (line.size() > k_max_prompted) {
        wipe_string(line);
        return fail(bad(std::string(what) + " from the terminal is longer than 4096 bytes"));
    }
    return trimmed(std::move(line), what, "the terminal");
}

}  // namespace pat::helper::cmd
