#pragma once
// The helper's second HTTP transport: plain HTTP/1.1 over Boost.Beast, for
// the common local case only — an http:// token service at an IP literal or
// `localhost`, no user info in the URL, and no proxy in the environment.
//
// Why two transports: a fresh helper process pays 3–5 ms to load libcurl and
// its ~30 libraries (TLS, Kerberos, LDAP, …), thirty times a loopback round
// trip, and a validated `store` should cost one round trip more than an
// unchecked one (docs/tokenclient.md). Beast is header-only and already patd's HTTP layer,
// so this path loads nothing. Everything else — https, DNS names (a resolver
// cannot be abandoned at a deadline), proxies — stays on libcurl, which
// does all of it well.
//
// Same contract as HttpTransport (http_transport.hpp): one total deadline, body
// capped at 1 MiB, no redirects followed, header names lower-cased, secrets
// in our buffers wiped, errors naming scheme://host:port only.

#include <string_view>

#include "common/errors.hpp"
#include "tokenclient/http_message.hpp"

namespace pat::tokenclient {

// True when `url` may go over the direct transport. Reads the proxy
// variables libcurl honours for http:// (http_proxy, all_proxy, ALL_PROXY):
// when any is set, libcurl decides (including no_proxy).
bool direct_http_eligible(std::string_view url);

// Sends one request over the direct transport. bad_input when `url` is not
// eligible (callers check direct_http_eligible first).
err::Result<HttpResponse> direct_http_send(const HttpRequest& request);

}  // namespace pat::tokenclient
