#pragma once
// Reading a password or a code from the person at the terminal, for both
// programs (`docker-credential-pat tokens login`, `patd user add`). It reads
// the controlling terminal (/dev/tty), never stdin, so a prompt works when
// stdin is a pipe, and it never echoes a hidden answer.

#include <cstddef>
#include <string_view>

#include "common/result.hpp"
#include "common/secret.hpp"

namespace pat {

struct TtyPromptError {
    enum class Kind {
        no_terminal,   // no controlling terminal to ask on
        cannot_write,  // the prompt could not be written
        too_long,      // the answer was longer than max_bytes (and was wiped)
    };
    Kind kind;
    int errno_value = 0;  // for cannot_write; errno itself is gone by then
};

// Writes `prompt` (as given: callers make outside text terminal-safe) to
// /dev/tty and reads one line, without its "\n". With `hide`, echo is off
// while reading (the final newline still echoes, so the cursor moves on), and
// the terminal's settings are restored by an RAII guard on every return
// path, including errors and exceptions. A signal that kills the process
// while echo is off is not covered: callers that must survive one install
// their own handler. The line's buffer is reserved once, so no unwiped copy
// of the answer is left in freed memory.
Result<Secret, TtyPromptError> prompt_tty_line(std::string_view prompt, bool hide,
                                               std::size_t max_bytes);

}  // namespace pat
