#pragma once
// What the token client sends its requests through. Every client of a
// token service (PatdClient, the registry probe, ServiceLocator,
// TokenService) takes one, so tests can put a fake in its place, and a test
// that must cover libcurl against a local service passes libcurl's.
//
// The contract, for every implementation: one total deadline per request
// (request.deadline); transport failures (refused, DNS, TLS, deadline) are
// Errc::service_unreachable with a message naming scheme://host:port only;
// any HTTP status is a successful Result; no redirects followed; header
// names lower-cased; bodies capped at 1 MiB; never logs headers or bodies.

#include "common/errors.hpp"
#include "tokenclient/http_message.hpp"

namespace pat::tokenclient {

class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    virtual err::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// The helper's transport: the direct one (direct_http.hpp) for local plain
// HTTP, libcurl (curl_http.hpp) for the rest. Stateless, lives as long as
// the process.
HttpTransport& automatic_http_transport();

// libcurl for every request, also the local plain-HTTP ones.
HttpTransport& libcurl_http_transport();

}  // namespace pat::tokenclient
