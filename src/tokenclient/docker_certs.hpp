#pragma once
// Extra CA certificates for an https URL from docker's certs.d layout, for
// the libcurl transport (curl_http.cpp).

#include <optional>
#include <string>
#include <string_view>

namespace pat::tokenclient {

// Private registries: like docker, an https request to host[:port] also
// trusts every *.crt in <root>/<host[:port]>/ (docker's
// /etc/docker/certs.d layout), on top of the system CA store. The root is
// a transport option (TransportOptions in http_transport.hpp), a value
// rather than process state, so tests point their own transport at a temp
// dir.
inline constexpr const char* k_docker_certs_root = "/etc/docker/certs.d";

// The PEM text of every *.crt in <certs_root>/<host[:port]>/ (sorted by
// name), or nullopt when there is none. Only for https URLs.
std::optional<std::string> docker_extra_cas(std::string_view url, const std::string& certs_root);

// The system bundle followed by `extra`: what curl gets as CAINFO_BLOB.
// `system_bundle`: curl's compiled-in CA file (may be empty or unreadable).
std::string ca_bundle_with(const std::string& system_bundle, const std::string& extra);

}  // namespace pat::tokenclient
