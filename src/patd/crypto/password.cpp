#include "patd/crypto/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace pat::patd {

namespace {
void init_sodium() {
    static const int rc = sodium_init();
    if (rc < 0) throw std::runtime_error("libsodium failed to initialise");
}

struct Limits {
    unsigned long long ops;
    std::size_t mem;
};

Limits limits(PasswordCost cost) {
    if (cost == PasswordCost::minimum)
        return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
}  // namespace

std::string hash_password(std::string_view password, PasswordCost cost) {
    init_sodium();
    const Limits l = limits(cost);
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), l.ops, l.mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("password hashing ran out of memory");
    return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
    init_sodium();
    // crypto_pwhash_str_verify needs a NUL-terminated string.
    const std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, PasswordCost cost) {
    init_sodium();
    const Limits l = limits(cost);
    const std::string h(hash);
    return crypto_pwhash_str_needs_rehash(h.c_str(), l.ops, l.mem) != 0;
}

}  // namespace pat::patd
