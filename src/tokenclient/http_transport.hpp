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

#include <memory>
#include <string>

#include "common/errors.hpp"
#include "tokenclient/docker_certs.hpp"
#include "tokenclient/http_message.hpp"

namespace pat::tokenclient {

class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    virtual err::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// How a real transport is set up. The defaults are what the helper uses.
struct TransportOptions {
    // libcurl for every request, also the local plain-HTTP ones that
    // otherwise take the direct transport (tests that exercise libcurl).
    bool libcurl_only = false;
    // docker's certs.d root (docker_certs.hpp).
    std::string docker_certs_root = k_docker_certs_root;
};

// A transport of its own, for a caller (a test) that needs other options.
std::unique_ptr<HttpTransport> make_http_transport(TransportOptions options);

// The helper's transport: the direct one (direct_http.hpp) for local plain
// HTTP, libcurl (curl_http.hpp) for the rest, with the default options.
// Stateless, lives as long as the process.
HttpTransport& automatic_http_transport();

// libcurl for every request, with the default options.
HttpTransport& libcurl_http_transport();

}  // namespace pat::tokenclient
