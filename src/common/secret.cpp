#include "common/secret.hpp"

#include <string.h>  // explicit_bzero (glibc): not elided, unlike memset

#include <cstring>

namespace pat {

void wipe_string(std::string& s) noexcept {
    // capacity() covers the SSO buffer too. explicit_bzero rather than
    // OPENSSL_cleanse: the helper then does not load libcrypto at all, about
    // 1 ms of CPU per run (docs/benchmarks.md).
    if (s.capacity() > 0) explicit_bzero(s.data(), s.capacity());
    s.clear();
}

void wipe_bytes(void* data, std::size_t size) noexcept {
    if (size > 0) explicit_bzero(data, size);
}

Secret::Secret(std::string&& bytes) : m_bytes() {
    m_bytes.reserve(bytes.size());
    m_bytes.assign(bytes.data(), bytes.size());
    wipe_string(bytes);
}

Secret Secret::copy_of(std::string_view bytes) {
    Secret s;
    s.m_bytes.reserve(bytes.size());
    s.m_bytes.assign(bytes.data(), bytes.size());
    return s;
}

Secret::Secret(Secret&& other) noexcept : m_bytes(std::move(other.m_bytes)) {
    other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    wipe_string(m_bytes);
}

bool operator==(const Secret& a, const Secret& b) {
    if (a.m_bytes.size() != b.m_bytes.size()) return false;
    // Constant time in the contents (the length is not secret here).
    volatile unsigned char diff = 0;
    for (std::size_t i = 0; i < a.m_bytes.size(); ++i) {
        diff = diff | static_cast<unsigned char>(a.m_bytes[i] ^ b.m_bytes[i]);
    }
    return diff == 0;
}

}  // namespace pat
