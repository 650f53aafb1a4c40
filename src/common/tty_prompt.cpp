#include "common/tty_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

namespace pat {
namespace {

class TtyFd {
  public:
    TtyFd() : m_fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~TtyFd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    TtyFd(const TtyFd&) = delete;
    TtyFd& operator=(const TtyFd&) = delete;
    int get() const { return m_fd; }

  private:
    int m_fd;
};

// Turns echo off on `fd` and puts the saved settings back when it dies.
class EchoOff {
  public:
    explicit EchoOff(int fd) : m_fd(fd) {
        if (::tcgetattr(fd, &m_saved) != 0) return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        m_active = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (m_active) ::tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    int m_fd;
    termios m_saved{};
    bool m_active = false;
};

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = EIO;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

Result<Secret, TtyPromptError> prompt_tty_line(std::string_view prompt, bool hide,
                                               std::size_t max_bytes) {
    const TtyFd tty;
    if (tty.get() < 0) return fail(TtyPromptError{TtyPromptError::Kind::no_terminal});
    std::optional<EchoOff> quiet;
    if (hide) quiet.emplace(tty.get());
    if (!write_all(tty.get(), prompt))
        return fail(TtyPromptError{TtyPromptError::Kind::cannot_write, errno});
    std::string line;
    line.reserve(max_bytes + 1);  // never reallocated: no unwiped copies
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(tty.get(), &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') break;
        line.push_back(c);
        if (line.size() > max_bytes) break;
    }
    c = 0;
    if (line.size() > max_bytes) {
        wipe_string(line);
        return fail(TtyPromptError{TtyPromptError::Kind::too_long});
    }
    return Secret(std::move(line));
}

}  // namespace pat
