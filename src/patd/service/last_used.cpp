#include "patd/service/last_used.hpp"

#include "common/log.hpp"

namespace pat::patd {

LastUsedCoalescer::LastUsedCoalescer(Repository& repository, const Clock& clock,
                                     std::chrono::seconds interval)
    : m_repository(repository), m_clock(clock), m_interval(interval) {}

void LastUsedCoalescer::record(std::int64_t token_id, Timestamp used_at) {
    const auto now = m_clock.now();
    Batch batch;
    {
        std::lock_guard lock(m_mutex);
        Entry& e = m_entries[token_id];
        if (!e.pending || *e.pending < used_at) e.pending = used_at;
        if (e.last_write && now - *e.last_write < m_interval) return;
        e.last_write = now;
        batch.emplace_back(token_id, *e.pending);
        e.pending.reset();
    }
    write(batch);
}

std::optional<Timestamp> LastUsedCoalescer::pending(std::int64_t token_id) const {
    std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(token_id);
    if (it == m_entries.end()) return std::nullopt;
    return it->second.pending;
}

LastUsedCoalescer::Batch LastUsedCoalescer::take(bool only_due) {
    const auto now = m_clock.now();
    Batch batch;
    std::lock_guard lock(m_mutex);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        Entry& e = it->second;
        const bool due = !e.last_write || now - *e.last_write >= m_interval;
        if (e.pending && (due || !only_due)) {
            batch.emplace_back(it->first, *e.pending);
            e.pending.reset();
            e.last_write = now;
        } else if (!e.pending && due) {
            // Nothing to remember: the next use may write at once anyway.
            it = m_entries.erase(it);
            continue;
        }
        ++it;
    }
    return batch;
}

void LastUsedCoalescer::flush_due() {
    const Batch batch = take(true);
    if (!batch.empty()) write(batch);
}

bool LastUsedCoalescer::flush() {
    const Batch batch = take(false);
    return batch.empty() || write(batch);
}

bool LastUsedCoalescer::write(const Batch& batch) {
    auto r = m_repository.update_last_used(batch);
    if (r.ok()) {
        m_writes += batch.size();
        return true;
    }
    log::warn("last-used: write failed, keeping " + std::to_string(batch.size()) +
              " value(s) pending: " + r.error().message);
    std::lock_guard lock(m_mutex);
    for (const auto& [id, used_at] : batch) {
        Entry& e = m_entries[id];
        if (!e.pending || *e.pending < used_at) e.pending = used_at;
    }
    return false;
}

}  // namespace pat::patd
