#pragma once
// Where the commands get passwords, tokens and one-time codes from: never
// argv (a password in argv is visible to every user in /proc), but stdin,
// a file, an environment variable the caller set, or a prompt on the
// controlling terminal with echo off.

#include <iosfwd>
#include <string>
#include <string_view>

#include "common/secret.hpp"
#include "credentials/errors.hpp"
#include "credentials/store_config.hpp"

namespace pat::helper::cmd {

// All of `in` (at most 64 KiB), without one trailing "\n" or "\r\n", like
// `docker login --password-stdin`. Empty is bad_input.
cred::Result<Secret> read_secret_stream(std::istream& in, std::string_view what);

// The file's content, trimmed the same way. Errors name the path only.
cred::Result<Secret> read_secret_file(const std::string& path, std::string_view what);

// The variable's value; unset or empty is bad_input naming the variable.
cred::Result<Secret> read_secret_env(const cred::EnvLookup& env, const std::string& name,
                                     std::string_view what);

// Writes `prompt` to /dev/tty and reads one line from it; echo is off when
// `hide` (termios, restored on every path, also on SIGINT-free returns).
// No terminal -> bad_input "<what> needed but there is no terminal to ask
// on; use <alternative>".
cred::Result<Secret> prompt_tty(std::string_view prompt, bool hide, std::string_view what,
                                std::string_view alternative);

}  // namespace pat::helper::cmd
