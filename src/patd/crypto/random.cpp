#include "patd/crypto/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace pat::patd {

std::string RandomSource::bytes(std::size_t n) {
    std::string out(n, '\0');
    fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
    return out;
}

namespace {
class OsRandom final : public RandomSource {
  public:
    void fill(std::span<std::uint8_t> out) override {
        // RAND_bytes draws from OpenSSL's DRBG, seeded from getrandom(2); it
        // is thread-safe in OpenSSL 3.
        if (out.empty()) return;
        if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
            throw std::runtime_error("the OS random number generator failed");
    }
};
}  // namespace

RandomSource& os_random() {
    static OsRandom random;
    return random;
}

void SeededRandom::fill(std::span<std::uint8_t> out) {
    std::lock_guard lock(m_mutex);
    for (auto& byte : out) {
        m_state += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        byte = static_cast<std::uint8_t>(z ^ (z >> 31));
    }
}

}  // namespace pat::patd
