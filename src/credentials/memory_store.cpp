#include "credentials/memory_store.hpp"

#include "credentials/metadata.hpp"

namespace pat::cred {

Result<void> MemoryStore::add(const Credentials& credentials) {
    if (m_next_add_error) {
        Error error = std::move(*m_next_add_error);
        m_next_add_error.reset();
        return fail(std::move(error));
    }
    if (auto valid = validate_metadata(credentials.metadata); !valid) return valid;
    m_items.insert_or_assign(
        credentials.server_url,
        Item{credentials.username, credentials.secret.clone(), credentials.metadata});
    return {};
}

Result<Credentials> MemoryStore::get(std::string_view server_url) {
    auto it = m_items.find(server_url);
    if (it == m_items.end()) return fail(not_found());
    return Credentials{it->first, it->second.username, it->second.secret.clone(),
                       it->second.metadata};
}

Result<void> MemoryStore::erase(std::string_view server_url) {
    auto it = m_items.find(server_url);
    if (it == m_items.end()) return fail(not_found());
    m_items.erase(it);
    return {};
}

Result<std::map<std::string, std::string>> MemoryStore::list() {
    std::map<std::string, std::string> out;
    for (const auto& [key, item] : m_items) out.emplace(key, item.username);
    return out;
}

}  // namespace pat::cred
