#pragma once
// The libcurl transport alone (curl_http.cpp): https, DNS names, proxies.
// automatic_http_transport (http_transport.hpp) picks between it and the
// direct transport; libcurl_http_transport uses it alone, for tests that
// exercise libcurl against local services. Same contract as HttpTransport.

#include "common/errors.hpp"
#include "tokenclient/http_message.hpp"

namespace pat::tokenclient {

// `docker_certs_root`: where docker's certs.d lives (docker_certs.hpp).
err::Result<HttpResponse> curl_http_send(const HttpRequest& request,
                                         const std::string& docker_certs_root);

// libcurl's global init, once per process (thread-safe, idempotent).
void http_global_init();

}  // namespace pat::tokenclient
