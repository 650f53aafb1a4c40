#pragma once
// Pure parsers for what arrives in a request: query strings and OAuth2 forms
// (application/x-www-form-urlencoded), HTTP Basic and Bearer credentials.
// Registry scope strings are parsed by the service (domain/scope.hpp). No I/O; unit-tested in
// tests/unit/patd/parse_test.cpp.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/percent.hpp"
#include "common/secret.hpp"
#include "patd/domain/types.hpp"

namespace pat::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// Percent-decoding (forms and query strings pass plus_is_space) is the
// common one.
using pat::percent_decode;

// Splits `a=1&b=2&b=3` into decoded pairs in order (repeated keys repeat; a
// key without '=' has an empty value). nullopt on a bad escape.
std::optional<Params> parse_form(std::string_view text);

// The first value of `key`, or nullopt.
std::optional<std::string> first_param(const Params& params, std::string_view key);
// Every value of `key`, in order.
std::vector<std::string> all_params(const Params& params, std::string_view key);

// Credentials from `Authorization: Basic base64(user:secret)`. The scheme name
// is case-insensitive; the user part may not contain ':' and may not be empty.
std::optional<patd::BasicCredentials> parse_basic_auth(std::string_view authorization);

// The token of `Authorization: Bearer <token>` (scheme case-insensitive), also
// accepting Docker Hub's `JWT <token>` form.
std::optional<Secret> parse_bearer_auth(std::string_view authorization);

}  // namespace pat::http
