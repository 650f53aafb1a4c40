#pragma once
// SQLite's WAL checkpoints on a thread of their own instead of inside the
// commit that crosses the threshold (docs/patd-core.md "SQLite"): the same
// trigger and the same syncs, but a request's commit does not wait for them.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

class WalCheckpointer {
  public:
    // SQLite's own automatic-checkpoint threshold, in WAL pages: the
    // thread checkpoints from there.
    static constexpr int k_pages = 1000;
    // The WAL only starts again from its beginning after a checkpoint that
    // copied every frame, which a checkpoint running beside a steady stream
    // of commits may never do. Past this size the committing connection
    // checkpoints itself, as SQLite would, so the WAL stays bounded (~16 MB)
    // under any write load.
    static constexpr int k_inline_pages = 4 * k_pages;

    // Opens a connection of its own to `path` and starts the thread.
    WalCheckpointer(const std::string& path, bool uri);
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;
    // Stops the thread (a checkpoint under way finishes first).
    ~WalCheckpointer();

    // Replaces `c`'s automatic checkpoint with a wake-up of this thread.
    // `c` must be closed before this object is destroyed.
    void attach(Connection& c);

    // Checkpoints run so far (for tests).
    long long checkpoints() const;

  private:
    static int on_commit(void* self, sqlite3* db, const char* name, int pages);
    void run();

    Connection m_connection;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stop = false;
    long long m_done = 0;
    std::thread m_thread;
};

}  // namespace pat::patd::sqlite
