#pragma once
// The usage spool: `get` appends one line per use and returns; the detached
// flush posts the uses to the token service later (docs/lifecycle.md).
//  - Never holds a secret: a line is "<unix seconds> <server key, %-escaped>\n",
//    or after compaction "<latest use> <key> <count>\n". Malformed lines
//    (a write torn by a crash) are skipped.
//  - Survives crashes: appends are single O_APPEND writes under a shared
//    flock; compaction rewrites to a temp file and renames under an
//    exclusive flock, and an appender that raced with a rename re-opens.
//  - Bounded: compaction keeps one record per key (the latest use and a
//    count); an append that would pass max_bytes compacts first, and if the
//    file is still too big, the oldest keys are dropped.
//  - Offline-safe: records the flush could not deliver stay.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "credentials/errors.hpp"
#include "tokenclient/token_info.hpp"

namespace pat::helper {

struct UsageRecord {
    tokenclient::TimePoint last_used;
    std::uint64_t uses = 0;
};

class UsageSpool {
  public:
    // An empty `path` is a disabled spool: it keeps nothing and touches no
    // file (a state directory the helper refuses, README "Token service").
    explicit UsageSpool(std::string path, std::size_t max_bytes = std::size_t{256} * 1024);

    // Appends a use of `server_key` at `when`. Cheap: one open + flock + write.
    cred::Result<void> append(const std::string& server_key, tokenclient::TimePoint when);

    // Reads every pending use, merged per key. Missing file = empty.
    cred::Result<std::map<std::string, UsageRecord>> pending() const;

    // Delivers pending uses: calls `deliver` per key (without holding the
    // lock), then removes the delivered ones, keeping any use appended
    // meanwhile and every key whose delivery returned false. Compacts.
    cred::Result<void> drain(
        const std::function<bool(const std::string& key, const UsageRecord&)>& deliver);

    // Removes every record of `server_key` (erase).
    cred::Result<void> remove_key(const std::string& server_key);

    const std::string& path() const { return m_path; }

  private:
    // Rewrites the file merged per key, dropping the oldest keys until it
    // leaves `reserve` bytes below max_bytes.
    cred::Result<void> compact(std::size_t reserve);

    std::string m_path;
    std::size_t m_max_bytes;
};

}  // namespace pat::helper
