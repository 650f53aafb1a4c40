#pragma once
// A fixed set of database connections handed out one per call, so several
// HTTP threads can use the store at once while each connection is only ever
// used by one thread at a time. Shared by the SQLite and PostgreSQL stores.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace pat::patd {

template <class Connection>
class ConnectionPool {
  public:
    explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections)
        : m_idle(std::move(connections)) {}

    // A borrowed connection, returned to the pool when the lease dies.
    class Lease {
      public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> c)
            : m_pool(pool), m_c(std::move(c)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { m_pool.give_back(std::move(m_c)); }
        Connection& operator*() { return *m_c; }
        Connection* operator->() { return m_c.get(); }

      private:
        ConnectionPool& m_pool;
        std::unique_ptr<Connection> m_c;
    };

    // Waits until a connection is free.
    Lease acquire() {
        std::unique_lock lock(m_mutex);
        m_available.wait(lock, [&] { return !m_idle.empty(); });
        auto c = std::move(m_idle.back());
        m_idle.pop_back();
        return Lease(*this, std::move(c));
    }

  private:
    void give_back(std::unique_ptr<Connection> c) {
        {
            std::lock_guard lock(m_mutex);
            m_idle.push_back(std::move(c));
        }
        m_available.notify_one();
    }

    std::mutex m_mutex;
    std::condition_variable m_available;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

}  // namespace pat::patd
