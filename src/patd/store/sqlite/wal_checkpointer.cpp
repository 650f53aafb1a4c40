#include "patd/store/sqlite/wal_checkpointer.hpp"

#include "common/log.hpp"

namespace pat::patd::sqlite {

WalCheckpointer::WalCheckpointer(const std::string& path, bool uri)
    : m_connection(path, uri), m_thread([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void WalCheckpointer::attach(Connection& c) {
    sqlite3_wal_hook(c.handle(), &WalCheckpointer::on_commit, this);
}

long long WalCheckpointer::checkpoints() const {
    std::lock_guard lock(m_mutex);
    return m_done;
}

// Called by SQLite after every commit of an attached connection, with the
// WAL's size in pages. Only wakes the thread: the commit (and the reply of
// the request behind it) does not wait for the checkpoint's fsyncs.
int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* name, int pages) {
    if (pages >= k_inline_pages) {
        // What SQLite's own hook does; its result does not fail the commit.
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= k_pages) {
        auto* me = static_cast<WalCheckpointer*>(self);
        {
            std::lock_guard lock(me->m_mutex);
            me->m_due = true;
        }
        me->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_due || m_stop; });
        if (m_stop) return;
        m_due = false;
        lock.unlock();
        // PASSIVE, as SQLite's automatic checkpoint: it syncs the WAL, copies
        // what no reader still needs into the database and syncs that, and
        // never blocks readers or the writer.
        const int rc = sqlite3_wal_checkpoint_v2(m_connection.handle(), nullptr,
                                                 SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log::warn(std::string("database: WAL checkpoint failed: ") +
                      sqlite3_errmsg(m_connection.handle()));
        lock.lock();
        ++m_done;
    }
}

}  // namespace pat::patd::sqlite
