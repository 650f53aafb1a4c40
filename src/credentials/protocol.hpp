#pragma once
// The credential-helper protocol over streams (docs/protocol.md).
// Pure: nothing here touches std::cin/std::cout, the environment or exit().

#include <cstddef>
#include <istream>
#include <ostream>
#include <string_view>

#include "credentials/credential_store.hpp"

namespace pat::cred {

// The most the helper reads from stdin: 1 MiB for the secret plus 64 KiB for
// the JSON around it (escapes, URL, username). One byte more is an error.
inline constexpr std::size_t k_max_stdin_bytes = std::size_t{1024} * 1024 + std::size_t{64} * 1024;

// The program name used in the usage line, the version line and errors.
inline constexpr std::string_view k_program_name = "docker-credential-pat";

// Runs one action: `store`, `get`, `erase`, `list` or `version`.
// Success: the reply (if any) on `out`, returns 0. Failure: exactly one line
// (the canonical text from errors.hpp, or a clear backend message) plus "\n"
// on `out`, returns 1. `list` and `version` never read `in`; the others read
// at most k_max_stdin_bytes + 1 bytes from it.
int run_action(CredentialStore& store, std::string_view action, std::istream& in,
               std::ostream& out);

// `docker-credential-pat (github.com/…) <version>`, no newline.
std::string version_line();

// `docker-credential-pat: unknown action: <action>` (upstream >= 0.8 text).
std::string unknown_action_message(std::string_view action);

// Writes `message` as one protocol error line: CR/LF inside it become spaces
// and a trailing "\n" is added. Returns 1, the protocol's failure code.
int write_error(std::ostream& out, std::string_view message);

}  // namespace pat::cred
