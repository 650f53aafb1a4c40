#pragma once
// Randomness behind an interface so tests can be deterministic. Production
// code uses os_random() (OpenSSL RAND_bytes, seeded from the OS CSPRNG).

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

namespace pat::patd {

class RandomSource {
  public:
    virtual ~RandomSource() = default;
    // Fills `out` with random bytes; throws std::runtime_error if the CSPRNG
    // fails (an impossible state for a healthy OS).
    virtual void fill(std::span<std::uint8_t> out) = 0;
    // `n` random bytes as a string.
    std::string bytes(std::size_t n);
};

// The process-wide CSPRNG (thread-safe).
RandomSource& os_random();

// A deterministic generator for tests (NOT cryptographic): splitmix64 from a
// seed. Thread-safe, so multi-threaded tests may share it.
class SeededRandom final : public RandomSource {
  public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) {}
    void fill(std::span<std::uint8_t> out) override;

  private:
    std::mutex m_mutex;
    std::uint64_t m_state;
};

}  // namespace pat::patd
