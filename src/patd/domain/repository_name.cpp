#include "patd/domain/repository_name.hpp"

namespace pat::patd {

namespace {
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Skips one run of [a-z0-9]+ at `pos`; false when there is none.
bool skip_alnum(std::string_view s, std::size_t& pos) {
    const std::size_t start = pos;
    while (pos < s.size() && is_alnum(s[pos])) ++pos;
    return pos > start;
}

// Skips one separator at `pos`: '.', '_', '__' or a run of '-'.
bool skip_separator(std::string_view s, std::size_t& pos) {
    const char c = s[pos];
    if (c == '.') {
        ++pos;
    } else if (c == '_') {
        ++pos;
        if (pos < s.size() && s[pos] == '_') ++pos;
    } else if (c == '-') {
        while (pos < s.size() && s[pos] == '-') ++pos;
    } else {
        return false;
    }
    return true;
}

bool is_path_component(std::string_view s) {
    std::size_t pos = 0;
    if (!skip_alnum(s, pos)) return false;
    while (pos < s.size()) {
        if (!skip_separator(s, pos) || !skip_alnum(s, pos)) return false;
    }
    return true;
}
}  // namespace

bool is_valid_repository_name(std::string_view name) {
    if (name.empty() || name.size() > k_repository_name_max) return false;
    std::size_t start = 0;
    while (true) {
        const auto slash = name.find('/', start);
        if (!is_path_component(name.substr(start, slash - start))) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

}  // namespace pat::patd
