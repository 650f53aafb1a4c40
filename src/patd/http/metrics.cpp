#include "patd/http/metrics.hpp"

namespace pat::http {
namespace {

// Label values are route templates we chose, but escape anyway (format rule).
std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

void metric(std::string& out, const char* type, const char* name, const char* help,
            std::uint64_t value) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
    metric(out, "counter", name, help, value);
}

}  // namespace

void HttpMetrics::count(const std::string& route, int status) {
    std::lock_guard lock(m_mutex);
    ++m_requests[{route, status}];
}

std::string HttpMetrics::render(const patd::ServiceStats& stats) const {
    std::string out =
        "# HELP patd_http_requests_total HTTP requests by route template and status.\n"
        "# TYPE patd_http_requests_total counter\n";
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [key, value] : m_requests) {
            out += "patd_http_requests_total{route=\"" + escape_label(key.first) + "\",status=\"" +
                   std::to_string(key.second) + "\"} " + std::to_string(value) + "\n";
        }
    }
    counter(out, "patd_token_grants_total", "Registry tokens issued at /token.", stats.grants);
    counter(out, "patd_auth_failures_total", "Failed authentications of any kind.",
            stats.auth_failures);
    counter(out, "patd_rate_limited_total", "Requests refused with 429.", stats.rate_limited);
    metric(out, "gauge", "patd_rate_limit_entries", "Failure counters and login budgets held.",
           stats.rate_limit_entries);
    counter(out, "patd_last_used_writes_total", "Database writes of last-used times.",
            stats.last_used_writes);
    counter(out, "patd_tokens_created_total", "Personal access tokens created.",
            stats.tokens_created);
    counter(out, "patd_leak_reports_malformed_total",
            "Reported leaked-token strings refused by the checksum, without database work.",
            stats.leak_reports_malformed);
    counter(out, "patd_leak_reports_checked_total",
            "Reported leaked-token strings looked up (matches are not counted).",
            stats.leak_reports_checked);
    return out;
}

}  // namespace pat::http
