#include "helper/commands/parse_values.hpp"

#include <charconv>
#include <ctime>

namespace pat::helper::cmd {
namespace {

cred::Error bad(std::string message) {
    return cred::Error{cred::Errc::bad_input, std::move(message)};
}

std::optional<long long> parse_positive(std::string_view digits) {
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    long long value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value <= 0)
        return std::nullopt;
    return value;
}

std::optional<std::chrono::seconds> duration_of(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    const auto value = parse_positive(text.substr(0, text.size() - 1));
    if (!value) return std::nullopt;
    switch (text.back()) {
        case 's':
            return std::chrono::seconds(*value);
        case 'm':
            return std::chrono::minutes(*value);
        case 'h':
            return std::chrono::hours(*value);
        case 'd':
            return std::chrono::hours(24 * *value);
        default:
            return std::nullopt;
    }
}

// "YYYY-MM-DD" -> midnight UTC, validated (no Feb 30).
std::optional<tokenclient::TimePoint> date_of(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    auto num = [&](std::size_t pos, std::size_t len, auto& out) {
        const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
        return ec == std::errc() && end == text.data() + pos + len;
    };
    if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd);
}

}  // namespace

cred::Result<std::chrono::seconds> parse_duration(std::string_view text, std::string_view option) {
    if (auto d = duration_of(text)) return *d;
    return fail(bad("invalid " + std::string(option) + " value '" + std::string(text) +
                    "': expected a number with a unit s, m, h or d (e.g. 2h)"));
}

cred::Result<tokenclient::TimePoint> parse_expiry(std::string_view text,
                                                  tokenclient::TimePoint now) {
    std::optional<tokenclient::TimePoint> at;
    if (auto d = duration_of(text)) {
        at = now + *d;
    } else if (auto day = date_of(text)) {
        at = *day;
    } else if (auto t = tokenclient::parse_time(text)) {
        at = *t;
    }
    if (!at) {
        return fail(bad("invalid --expires value '" + std::string(text) +
                        "': expected a duration (30d, 90d) or a date YYYY-MM-DD"));
    }
    if (*at <= now) {
        return fail(bad("invalid --expires value '" + std::string(text) +
                        "': " + tokenclient::format_time(*at) + " is not in the future"));
    }
    return *at;
}

cred::Result<std::string> patd_scope_from_cli(std::string_view text) {
    if (text == "read") return std::string("repo:read");
    if (text == "write") return std::string("repo:write");
    if (text == "delete") return std::string("repo:admin");
    if (text == "public-read") return std::string("repo:public_read");
    return fail(bad("invalid --scope value '" + std::string(text) +
                    "': expected read, write, delete or public-read"));
}

std::string cli_scope_from_patd(std::string_view scope) {
    if (scope == "repo:read") return "read";
    if (scope == "repo:write") return "write";
    if (scope == "repo:admin") return "delete";
    if (scope == "repo:public_read") return "public-read";
    return std::string(scope);
}

std::set<std::string> granted_actions(const std::vector<std::string>& scopes,
                                      tokenclient::ServiceKind kind) {
    std::set<std::string> actions;
    for (const auto& s : scopes) {
        if (kind == tokenclient::ServiceKind::registry) {
            if (s == "pull" || s == "push" || s == "delete") actions.insert(s);
            continue;
        }
        if (s == "repo:public_read" || s == "repo:read") {
            actions.insert("pull");
        } else if (s == "repo:write") {
            actions.insert({"pull", "push"});
        } else if (s == "repo:admin") {
            actions.insert({"pull", "push", "delete"});
        }
    }
    return actions;
}

cred::Result<std::string> parse_required_action(std::string_view text) {
    if (text == "pull" || text == "push" || text == "delete") return std::string(text);
    return fail(
        bad("invalid --require value '" + std::string(text) + "': expected pull, push or delete"));
}

std::string join_actions(const std::set<std::string>& actions) {
    if (actions.empty()) return "none";
    std::string out;
    // pull, push, delete in the order of their power, not alphabetically.
    for (const char* a : {"pull", "push", "delete"}) {
        if (!actions.count(a)) continue;
        if (!out.empty()) out += ',';
        out += a;
    }
    return out;
}

std::optional<tokenclient::TimePoint> parse_http_date(std::string_view text) {
    const std::string s(text);
    std::tm tm{};
    const char* end = ::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

}  // namespace pat::helper::cmd
