#pragma once
// URL helpers (url.cpp): just enough URL parsing to name a service in
// messages and to build request URLs; libcurl does the rest.

#include <optional>
#include <string>
#include <string_view>

namespace pat::tokenclient {

// The parts of an absolute http(s) URL that are safe to show and to build
// on: user info, path, query and fragment dropped.
struct UrlParts {
    std::string scheme;  // lower-case
    std::string host;    // as written; an IPv6 literal keeps its brackets
    std::string port;    // as written; empty when absent
};
// nullopt unless `url` is "scheme://host[:port][/…]" with a non-empty host.
std::optional<UrlParts> parse_url(std::string_view url);

// "scheme://host[:port]" (the port only when written), e.g. patd's base URL
// from its realm; "" when `url` does not parse.
std::string url_origin(std::string_view url);

// "scheme://host:port" with the default port filled in (80, 443): how error
// messages name a service. Never contains user info, a path or a query.
std::string url_endpoint(std::string_view url);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace pat::tokenclient
