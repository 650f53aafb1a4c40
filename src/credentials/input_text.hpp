#pragma once
// The rule for text the helper keeps or shows but does not own: server
// keys, usernames, command-line values (docs/inputs.md). Such text must be
// well-formed UTF-8 without control characters. Anything else is refused
// before any keychain or network work: a key with invalid bytes or controls
// could be written (Secret Service attributes are D-Bus strings, kernel key
// descriptions are C strings) but not be read, listed or erased again.

#include <optional>
#include <string>
#include <string_view>

namespace pat::cred {

// Why `text` is refused, as the end of a sentence: "not valid UTF-8",
// "it contains a NUL character (\u0000)" or "it contains a control
// character (\u001b)"; nullopt when it is acceptable.
std::optional<std::string> text_problem(std::string_view text);

// The protocol's refusal lines, e.g. "invalid server URL: not valid UTF-8";
// nullopt when the value is acceptable.
std::optional<std::string> server_url_problem(std::string_view server_url);
std::optional<std::string> username_problem(std::string_view username);

}  // namespace pat::cred
