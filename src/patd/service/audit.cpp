// The audit log's parts that need no service state: who an actor is, the
// text cleaning that keeps every field printable, and the first-use-per-interval
// throttle (docs/patd-api.md, "Audit log"). Writing and reading events through
// the service is in audit_log.cpp.
#include "patd/service/audit.hpp"

#include <algorithm>

#include "patd/store/repository.hpp"

namespace pat::patd {

namespace {
constexpr std::string_view k_oidc_label_prefix = "OIDC ";
}  // namespace

std::string actor_of(const Principal& who) {
    if (who.is_pat_session) return "token:" + who.pat_uuid;
    return "account:" + who.username;
}

std::string actor_of(const TokenRecord& token) {
    if (token.generated_by == GeneratedBy::oidc && token.label.starts_with(k_oidc_label_prefix))
        return "oidc:" + token.label.substr(k_oidc_label_prefix.size());
    return "token:" + token.uuid;
}

std::string audit_text(std::string_view text, std::size_t max) {
    std::string out;
    out.reserve(std::min(text.size(), max));
    for (const char c : text.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
    }
    return out;
}

bool AuditUseThrottle::first_use(std::int64_t token_id, std::string_view ip, Timestamp now) {
    std::string key = std::to_string(token_id);
    key.push_back(' ');
    key.append(ip);
    std::lock_guard lock(m_mutex);
    const auto it = m_last.find(key);
    if (it != m_last.end() && now - it->second < m_interval) return false;
    if (it == m_last.end() && m_last.size() >= k_max_entries) m_last.clear();
    m_last[std::move(key)] = now;
    return true;
}

}  // namespace pat::patd
