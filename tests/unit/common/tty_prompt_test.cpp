// prompt_tty_line on a real pseudo-terminal: the child runs the prompt with
// the pty as its controlling terminal, the parent types at the other end.
#include "common/tty_prompt.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace {

bool echo_on(int fd) {
    termios t{};
    return ::tcgetattr(fd, &t) == 0 && (t.c_lflag & ECHO) != 0;
}

// Runs in the child; its exit code says which check failed.
[[noreturn]] void child_prompts() {
    if (!echo_on(STDIN_FILENO)) ::_exit(10);
    auto first = pat::prompt_tty_line("Password: ", true, 16);
    if (!first.ok() || first->reveal() != "hunter2") ::_exit(11);
    if (!echo_on(STDIN_FILENO)) ::_exit(12);  // restored after an answer
    auto second = pat::prompt_tty_line("Again: ", true, 16);
    if (second.ok() || second.error().kind != pat::TtyPromptError::Kind::too_long) ::_exit(13);
    if (!echo_on(STDIN_FILENO)) ::_exit(14);  // and after an error
    auto shown = pat::prompt_tty_line("Code: ", false, 16);
    if (!shown.ok() || shown->reveal() != "123456") ::_exit(15);
    ::_exit(0);
}

// Reads from the pty until `text` has appeared or, with `to_close`, until
// the other end is closed; false when 10 s pass first.
bool read_until(int master, std::string& seen, std::string_view text, bool to_close = false) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!to_close && seen.find(text) != std::string::npos) return true;
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        char buf[256];
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) return to_close;
        seen.append(buf, static_cast<std::size_t>(n));
    }
    return false;
}

void type(int master, std::string_view text) {
    REQUIRE(::write(master, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

}  // namespace

TEST_CASE("prompt_tty_line hides the answer and restores echo on every path", "[common][tty]") {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    REQUIRE(pid >= 0);
    if (pid == 0) child_prompts();
    std::string seen;
    read_until(master, seen, "Password: ");
    type(master, "hunter2\n");
    read_until(master, seen, "Again: ");
    type(master, std::string(40, 'x') + "\n");
    read_until(master, seen, "Code: ");
    type(master, "123456\n");
    // The child's end closes when it exits: read until then (EIO), or kill it.
    const bool closed = read_until(master, seen, {}, true);
    if (!closed) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    INFO("terminal showed: " << seen);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(seen.find("hunter2") == std::string::npos);  // never echoed
    CHECK(seen.find("xxxx") == std::string::npos);
    CHECK(seen.find("123456") != std::string::npos);  // a visible prompt echoes
}
