#pragma once
// Extra CA certificates for an https URL from docker's certs.d layout
// (internal to http_client.cpp).

#include <optional>
#include <string>
#include <string_view>

namespace pat::tokenclient {

// The PEM text of every *.crt in <certs root>/<host[:port]>/ (sorted by
// name), or nullopt when there is none. Only for https URLs.
std::optional<std::string> docker_extra_cas(std::string_view url);

// The system bundle followed by `extra`: what curl gets as CAINFO_BLOB.
// `system_bundle`: curl's compiled-in CA file (may be empty or unreadable).
std::string ca_bundle_with(const std::string& system_bundle, const std::string& extra);

}  // namespace pat::tokenclient
