#pragma once
// The helper's error vocabulary (common/errors.hpp) as the credentials layer
// names it, and the three canonical texts. Those texts are protocol:
// docker, docker-py, crane and others compare stdout against them literally
// (docs/protocol.md "Error texts that clients match"), so they live here and nowhere else.

#include <string_view>

#include "common/errors.hpp"

namespace pat::cred {

inline constexpr std::string_view k_not_found_message = "credentials not found in native keychain";
inline constexpr std::string_view k_missing_server_url_message = "no credentials server URL";
inline constexpr std::string_view k_missing_username_message = "no credentials username";

using err::Errc;
using err::Error;
using err::Result;

// The error with its canonical message for the three protocol errors.
Error not_found();
Error missing_server_url();
Error missing_username();

}  // namespace pat::cred
