#pragma once
// Transport-neutral HTTP request/response, so route code never includes Beast
// (Beast templates stay in server.cpp; compile time on shared cores matters)
// and routes can be unit-tested without sockets.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pat::http {

struct Request {
    std::string method;  // "GET", "POST", … as sent
    std::string target;  // raw request target, path + query (never logged)
    std::string path;    // target before '?', not percent-decoded
    std::string query;   // target after '?', raw
    // Header fields as received, names lower-cased. Repeated fields repeat.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // The socket peer from the server; Api::handle replaces it with the
    // client behind a trusted proxy (client_address.hpp).
    std::string client_ip;
    bool keep_alive = true;

    // The first value of header `lower_name`, or "" when absent.
    std::string_view header(std::string_view lower_name) const;
    bool has_header(std::string_view lower_name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra fields
    std::string body;
};

}  // namespace pat::http
