#pragma once
// The libcurl transport alone (curl_http.cpp): https, DNS names, proxies.
// http_send (http_client.hpp) picks between it and the direct transport;
// tests call it to exercise libcurl against local services. Same contract
// as http_send.

#include "common/errors.hpp"
#include "tokenclient/http_message.hpp"

namespace pat::tokenclient {

err::Result<HttpResponse> curl_http_send(const HttpRequest& request);

// libcurl's global init, once per process (thread-safe, idempotent).
void http_global_init();

}  // namespace pat::tokenclient
