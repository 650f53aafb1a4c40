#pragma once
// The rules of Credentials::metadata (credentials.hpp), checked in one place
// by every store before anything is written.

#include <string_view>

#include "credentials/credentials.hpp"
#include "credentials/errors.hpp"

namespace pat::cred {

inline constexpr std::size_t k_max_metadata_name = 32;
inline constexpr std::size_t k_max_metadata_value = 1024;

// The upstream Secret Service item attributes: metadata shares their
// namespace there, so no store accepts them as metadata names.
inline constexpr std::string_view k_reserved_metadata_names[] = {"label", "server", "username",
                                                                 "docker_cli"};

// Whether `name` matches [a-z_]{1,32} (reserved names included).
bool is_metadata_name(std::string_view name);

// Whether `name` is one of k_reserved_metadata_names.
bool is_reserved_metadata_name(std::string_view name);

// Errc::bad_input naming the first bad entry when a name is not [a-z_]{1,32}
// or is reserved (label, server, username, docker_cli: the upstream Secret
// Service attributes, which metadata shares a namespace with), or a value is not UTF-8 without NUL
// of at most 1024 bytes, e.g.
//   invalid metadata name "Bad-Name": expected 1 to 32 of a-z and _
//   invalid metadata name "server": reserved for the keychain item itself
//   metadata value of "pat_label" is longer than 1024 bytes
// Values are never quoted (they are not secret, but may be long or binary).
Result<void> validate_metadata(const Metadata& metadata);

}  // namespace pat::cred
