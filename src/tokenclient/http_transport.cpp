// The real transports behind HttpTransport (http_transport.hpp).
#include "tokenclient/http_transport.hpp"

#include "tokenclient/curl_http.hpp"
#include "tokenclient/direct_http.hpp"

namespace pat::tokenclient {
namespace {

class RealTransport final : public HttpTransport {
  public:
    explicit RealTransport(TransportOptions options) : m_options(std::move(options)) {}
    err::Result<HttpResponse> send(const HttpRequest& request) override {
        if (!m_options.libcurl_only && direct_http_eligible(request.url))
            return direct_http_send(request);
        return curl_http_send(request, m_options.docker_certs_root);
    }

  private:
    TransportOptions m_options;
};

}  // namespace

std::unique_ptr<HttpTransport> make_http_transport(TransportOptions options) {
    return std::make_unique<RealTransport>(std::move(options));
}

HttpTransport& automatic_http_transport() {
    static RealTransport transport{TransportOptions{}};
    return transport;
}

HttpTransport& libcurl_http_transport() {
    static RealTransport transport{TransportOptions{true, k_docker_certs_root}};
    return transport;
}

}  // namespace pat::tokenclient
