#pragma once
// Logging: one line per message, always on stderr (stdout belongs to the
// protocol). Never pass a secret here; callers redact before they log.

#include <string_view>

namespace pat::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// The prefix of every line, e.g. "docker-credential-pat" or "patd".
void set_program(std::string_view name);
void set_level(Level level);
Level level();
// Parses "debug|info|warn|error|off"; unknown text leaves the level as it is.
bool set_level_from_string(std::string_view text);

// Writes "<program>: <level>: <message>\n" to stderr in a single write(2), so
// lines from several threads never interleave.
void write(Level level, std::string_view message);

inline void debug(std::string_view m) {
    write(Level::debug, m);
}
inline void info(std::string_view m) {
    write(Level::info, m);
}
inline void warn(std::string_view m) {
    write(Level::warn, m);
}
inline void error(std::string_view m) {
    write(Level::error, m);
}

}  // namespace pat::log
