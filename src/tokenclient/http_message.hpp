#pragma once
// The request and reply of one HTTP call, as both transports (libcurl in
// curl_http.hpp, Beast in direct_http.hpp) and their callers see them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret.hpp"

namespace pat::tokenclient {

struct BasicAuth {
    std::string username;
    const Secret* password = nullptr;  // borrowed; must outlive the call
};

struct HttpRequest {
    std::string method = "GET";  // GET, POST, PATCH, DELETE
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Type
    std::string body;
    std::optional<BasicAuth> basic;
    const Secret* bearer = nullptr;  // "Authorization: Bearer …" (patd session), borrowed
    std::chrono::milliseconds deadline{2000};
};

struct HttpResponse {
    long status = 0;
    std::string body;  // capped at 1 MiB; more is service_failure
    // Header names lower-cased; repeated headers kept in order.
    std::vector<std::pair<std::string, std::string>> headers;

    // The first header with this lower-case name, or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

}  // namespace pat::tokenclient
