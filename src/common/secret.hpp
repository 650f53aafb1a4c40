#pragma once
// Secret: a move-only byte string for passwords and tokens. Its storage is
// wiped when it dies; it has no operator<< and no implicit conversion, so it
// cannot end up in a log line or an error message by accident. Secrets are
// binary-safe: the length is explicit, NUL bytes are ordinary bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace pat {

class Secret {
  public:
    Secret() = default;
    // Takes the bytes of `bytes` and wipes the source.
    explicit Secret(std::string&& bytes);
    // Copies `bytes`; the caller stays responsible for wiping its copy.
    static Secret copy_of(std::string_view bytes);

    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    // The bytes; valid while this Secret lives and is not modified.
    std::string_view reveal() const { return m_bytes; }
    std::size_t size() const { return m_bytes.size(); }
    bool empty() const { return m_bytes.empty(); }
    // An explicit copy, for the rare places that need two owners.
    Secret clone() const { return copy_of(m_bytes); }

    friend bool operator==(const Secret& a, const Secret& b);

  private:
    void wipe() noexcept;
    std::string m_bytes;
};

// Overwrites a string's whole buffer (size and spare capacity) with zeros in a
// way the optimiser cannot drop, then clears it.
void wipe_string(std::string& s) noexcept;

// Overwrites `size` bytes at `data` with zeros in a way the optimiser cannot
// drop (a buffer that held a secret, before it goes out of scope).
void wipe_bytes(void* data, std::size_t size) noexcept;

}  // namespace pat
