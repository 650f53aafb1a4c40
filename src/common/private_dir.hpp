#pragma once
// Whether an existing directory may hold the user's private files. A
// directory someone else can write (or that someone else owns, or a link
// someone else can point anywhere) lets that someone plant files and
// symbolic links there, which the helper would then read and write as the
// user (docs/threat-model.md, "helper state on disk").

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>

namespace pat {

// Why the directory at `path`, whose lstat() is `st`, must not be used, or
// nullopt when it is a real directory owned by this process's effective uid
// and not writable by group or others. `what` names it in the reason, e.g.
// "the state directory /home/u/.local/state/docker-credential-pat is
// writable by group or others (mode 0777; chmod 700 it)".
std::optional<std::string> unsafe_dir_reason(std::string_view what, const std::string& path,
                                             const struct stat& st);

}  // namespace pat
