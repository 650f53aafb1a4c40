#include "patd/console/html.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "patd/console/assets.hpp"

namespace pat::console {

void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    append_escaped(out, text);
    return out;
}

std::string render(std::string_view source, const Vars& vars) {
    std::string out;
    out.reserve(source.size() * 2);
    std::size_t pos = 0;
    while (pos < source.size()) {
        const auto open = source.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(source.substr(pos));
            break;
        }
        out.append(source.substr(pos, open - pos));
        const bool raw = source.substr(open, 3) == "{{{";
        const auto start = open + (raw ? 3 : 2);
        const auto close = source.find(raw ? "}}}" : "}}", start);
        if (close == std::string_view::npos)
            throw std::logic_error("unterminated template placeholder");
        const auto name = source.substr(start, close - start);
        const auto it = vars.find(name);
        if (it == vars.end())
            throw std::logic_error("template value missing: " + std::string(name));
        if (raw) {
            out.append(it->second);
        } else {
            append_escaped(out, it->second);
        }
        pos = close + (raw ? 3 : 2);
    }
    return out;
}

std::string render_asset(std::string_view asset, const Vars& vars) {
    const auto source = find_asset(asset);
    if (!source) throw std::logic_error("no such template: " + std::string(asset));
    return render(*source, vars);
}

std::string relative_time(std::chrono::system_clock::time_point t,
                          std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    const auto diff = duration_cast<seconds>(now - t).count();
    const bool future = diff < 0;
    const long long s = future ? -diff : diff;
    if (s < 45) return future ? "in a moment" : "just now";
    auto unit = [future](long long n, const char* name) {
        std::string text = std::to_string(n) + " " + name + (n == 1 ? "" : "s");
        return future ? "in " + text : text + " ago";
    };
    constexpr long long minute = 60, hour = 60 * minute, day = 24 * hour;
    if (s < 90 * minute) return unit(std::max<long long>(1, (s + 30) / minute), "minute");
    if (s < 36 * hour) return unit((s + hour / 2) / hour, "hour");
    if (s < 45 * day) return unit((s + day / 2) / day, "day");
    if (s < 365 * day) return unit((s + 15 * day) / (30 * day), "month");
    return unit(s / (365 * day), "year");
}

namespace {
std::tm utc_tm(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}
}  // namespace

std::string exact_time(std::chrono::system_clock::time_point t) {
    const std::tm tm = utc_tm(t);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string day_of(std::chrono::system_clock::time_point t) {
    const std::tm tm = utc_tm(t);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace pat::console
