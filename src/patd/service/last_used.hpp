#pragma once
// Coalescing writer for tokens' last_used (docs/patd-core.md):
// at most one database write per token per interval. The first use of a
// token after its interval has passed is written at once; later uses within
// the interval are kept in memory (pending) and written by flush_due() once
// the interval is over, or by flush() at shutdown. Readers merge pending()
// into what the database says, so the API always shows the newest value.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "common/clock.hpp"
#include "patd/store/repository.hpp"

namespace pat::patd {

class LastUsedCoalescer {
  public:
    LastUsedCoalescer(Repository& repository, const Clock& clock, std::chrono::seconds interval);

    // Records a use at `used_at` (last_used only moves forward).
    void record(std::int64_t token_id, Timestamp used_at);
    // The value not yet written for the token, if any.
    std::optional<Timestamp> pending(std::int64_t token_id) const;
    // Writes pending values of tokens whose interval has passed.
    void flush_due();
    // Writes every pending value (shutdown). Values that fail to write stay
    // pending; returns false then.
    bool flush();
    // Token rows written so far (patd_last_used_writes_total).
    std::uint64_t writes() const { return m_writes.load(); }

  private:
    struct Entry {
        std::optional<std::chrono::system_clock::time_point> last_write;
        std::optional<Timestamp> pending;
    };
    using Batch = std::vector<std::pair<std::int64_t, Timestamp>>;
    // Writes `batch`; on failure puts the values back as pending.
    bool write(const Batch& batch);
    Batch take(bool only_due);

    Repository& m_repository;
    const Clock& m_clock;
    std::chrono::seconds m_interval;
    mutable std::mutex m_mutex;
    std::unordered_map<std::int64_t, Entry> m_entries;
    std::atomic<std::uint64_t> m_writes{0};
};

}  // namespace pat::patd
