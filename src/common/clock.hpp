#pragma once
// Clock: the single source of "now" for code that must be testable without
// sleeping. Production code takes a `const Clock&` (usually system_clock());
// tests pass a ManualClock and move it forward explicitly.

#include <atomic>
#include <chrono>

namespace pat {

class Clock {
  public:
    virtual ~Clock() = default;
    // Wall-clock time (UTC). Used for token expiry, JWT iat/exp, last-used.
    virtual std::chrono::system_clock::time_point now() const = 0;
};

// The real clock; a process-wide stateless instance.
const Clock& system_clock();

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(
        std::chrono::system_clock::time_point start =
            std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)))
        : m_now(start.time_since_epoch().count()) {}
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::time_point(
            std::chrono::system_clock::duration(m_now.load()));
    }
    // Moves the clock forward (or backward, for skew tests) by `d`.
    void advance(std::chrono::system_clock::duration d) { m_now += d.count(); }
    void set(std::chrono::system_clock::time_point t) { m_now = t.time_since_epoch().count(); }

  private:
    std::atomic<std::chrono::system_clock::rep> m_now;
};

}  // namespace pat
