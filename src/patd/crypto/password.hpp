#pragma once
// Password hashing with Argon2id (libsodium crypto_pwhash_str). Cost:
// "interactive" is 64 MiB and about 0.1 s per hash on this machine, which is
// what every password login and password /token request pays; PATs use a
// fast keyed hash instead (hmac.hpp).

#include <string>
#include <string_view>

namespace pat::patd {

// Argon2id limits. interactive = OPSLIMIT/MEMLIMIT_INTERACTIVE (64 MiB);
// minimum = the smallest libsodium allows, for unit tests only.
enum class PasswordCost { interactive, minimum };

// Throws std::runtime_error when libsodium cannot initialise or allocate
// (an impossible state for a healthy process).
std::string hash_password(std::string_view password, PasswordCost cost);
// Constant-time check against a crypto_pwhash_str string.
bool verify_password(std::string_view hash, std::string_view password);
// True when `hash` was made with other limits than `cost` (re-hash on login).
bool password_needs_rehash(std::string_view hash, PasswordCost cost);

}  // namespace pat::patd
