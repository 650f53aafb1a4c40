// The two real transports behind HttpTransport (http_transport.hpp).
#include "tokenclient/http_transport.hpp"

#include "tokenclient/curl_http.hpp"
#include "tokenclient/direct_http.hpp"

namespace pat::tokenclient {
namespace {

class AutomaticTransport final : public HttpTransport {
  public:
    err::Result<HttpResponse> send(const HttpRequest& request) override {
        if (direct_http_eligible(request.url)) return direct_http_send(request);
        return curl_http_send(request);
    }
};

class LibcurlTransport final : public HttpTransport {
  public:
    err::Result<HttpResponse> send(const HttpRequest& request) override {
        return curl_http_send(request);
    }
};

}  // namespace

HttpTransport& automatic_http_transport() {
    static AutomaticTransport transport;
    return transport;
}

HttpTransport& libcurl_http_transport() {
    static LibcurlTransport transport;
    return transport;
}

}  // namespace pat::tokenclient
