#pragma once
// The one splitter of URLs and server keys (url_split.cpp). It only cuts
// text into its RFC 3986 pieces; each caller applies its own rules on top:
// the server-key aliases (credentials/server_url.cpp) accept a bare
// `host[:port]` and refuse anything with user info, a query or a fragment,
// while the token client (tokenclient/url.cpp) wants an absolute URL with a
// numeric port. Hand-written rather than Boost.URL (which patd uses): server
// keys are not URLs (most have no scheme), and the helper keeps another
// shared library off its hot path (docs/architecture.md).

#include <optional>
#include <string_view>

namespace pat {

// Views into the split text. Every piece is empty when absent; the query and
// the fragment keep their '?' and '#', the user info its '@', so "h?" (an
// empty query) and "h" differ. Concatenated in order, scheme + "://" (when
// `has_scheme`), userinfo, authority, path, query and fragment give back
// the input.
struct UrlSplit {
    bool has_scheme = false;     // the text holds "://"
    std::string_view scheme;     // before the first "://", as written
    std::string_view userinfo;   // "user[:password]@", or empty
    std::string_view authority;  // host[:port], user info left out
    std::string_view path;       // "" or starting with '/'
    std::string_view query;      // "" or starting with '?'
    std::string_view fragment;   // "" or starting with '#'
};

// Never fails: a text without "://" is all authority and after.
UrlSplit split_url(std::string_view text);

struct HostPort {
    std::string_view host;  // an IPv6 literal keeps its brackets
    std::string_view port;  // as written, digits not checked; empty when absent
};
// The host and port of an authority; nullopt for an unclosed '[' or
// anything but ":port" after the ']' of an IPv6 literal.
std::optional<HostPort> split_host_port(std::string_view authority);

}  // namespace pat
