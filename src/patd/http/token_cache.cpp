#include "patd/http/token_cache.hpp"

#include <string>

#include "patd/domain/time.hpp"

namespace pat::http {

std::string RegistryTokenCache::key(const patd::Grant& grant) {
    // '\n' cannot occur in a username, scope type, name or action.
    std::string k = grant.subject;
    for (const auto& item : grant.access) {
        k.append("\n").append(item.type).append("(").append(item.resource_class).append(")");
        k.append(item.name).append(":");
        for (const auto& action : item.actions) k.append(action).append(",");
    }
    if (grant.not_after)
        k.append("\nnot_after:").append(std::to_string(patd::to_micros(*grant.not_after)));
    return k;
}

std::optional<RegistryTokenCache::Entry> RegistryTokenCache::find(const std::string& key,
                                                                  std::int64_t now) const {
    if (m_window <= 0) return std::nullopt;
    std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end()) return std::nullopt;
    const std::int64_t age = now - it->second.issued_at;
    if (age < 0 || age >= m_window || it->second.expires_at <= now) return std::nullopt;
    return it->second;
}

void RegistryTokenCache::store(const std::string& key, Entry entry) {
    if (m_window <= 0) return;
    std::lock_guard lock(m_mutex);
    if (m_entries.size() >= m_max_entries) m_entries.clear();
    m_entries[key] = std::move(entry);
}

}  // namespace pat::http
