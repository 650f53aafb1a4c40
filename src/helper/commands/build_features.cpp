#include "helper/commands/build_features.hpp"

#include "credentials/protocol.hpp"
#include "helper/commands/build_info.hpp"
#include "tokenclient/curl_api.hpp"

namespace pat::helper {

std::string build_features_text() {
    std::string out = cred::version_line() + "\n";
    out += "stores: " + std::string(k_build_stores) + "\n";
    const std::string curl = tokenclient::curl_load_error("libcurl.so.4");
    out +=
        "transports: http to a local token service (built in, Boost.Beast); https, DNS names "
        "and proxies (libcurl.so.4, loaded on first use: " +
        (curl.empty() ? std::string("available") : "not available: " + curl) + ")\n";
    return out;
}

}  // namespace pat::helper
