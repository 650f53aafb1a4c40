#include "common/secret.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace pat {

void wipe_string(std::string& s) noexcept {
    // capacity() covers the SSO buffer too; OPENSSL_cleanse is not elided.
    if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
    s.clear();
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

Secret::Secret(Secret&& other) noexcept : m_bytes(std::move(other.m_bytes)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() { wipe(); }

void Secret::wipe() noexcept { wipe_string(m_bytes); }

bool operator==(const Secret& a, const Secret& b) {
    return a.m_bytes.size() == b.m_bytes.size() &&
           CRYPTO_memcmp(a.m_bytes.data(), b.m_bytes.data(), a.m_bytes.size()) == 0;
}

}  // namespace pat
