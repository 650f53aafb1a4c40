#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

#include "common/terminal_text.hpp"

namespace pat::log {
namespace {

std::string& program() {
    static std::string name = "docker-credential-pat";
    return name;
}
std::atomic<Level> g_level{Level::warn};

std::string_view level_name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warning";
        case Level::error:
            return "error";
        case Level::off:
            break;
    }
    return "";
}

}  // namespace

void set_program(std::string_view name) {
    program() = std::string(name);
}
void set_level(Level level) {
    g_level = level;
}
Level level() {
    return g_level;
}

bool set_level_from_string(std::string_view text) {
    static constexpr std::pair<std::string_view, Level> k_names[] = {
        {"debug", Level::debug},  {"info", Level::info},   {"warn", Level::warn},
        {"warning", Level::warn}, {"error", Level::error}, {"off", Level::off}};
    for (const auto& [name, value] : k_names) {
        if (text == name) {
            g_level = value;
            return true;
        }
    }
    return false;
}

void write(Level lvl, std::string_view message) {
    if (lvl < g_level.load() || lvl == Level::off) return;
    std::string line;
    line.reserve(program().size() + message.size() + 16);
    line.append(program()).append(": ").append(level_name(lvl)).append(": ");
    // Messages quote keys and service replies: no terminal controls.
    line.append(terminal_safe(message)).push_back('\n');
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace pat::log
