#pragma once
// How patd reads an issuer's discovery document and JWKS: one bounded HTTP
// GET. The interface lets unit tests count and script fetches; production
// uses libcurl (curl_fetcher.cpp).
//
// Rules for every fetch (checked by the libcurl implementation):
//  - https only, except http to a loopback host (127.0.0.0/8, ::1,
//    localhost) for tests and local issuers;
//  - a total deadline for the whole exchange, a cap on the body size;
//  - redirects only within the same scheme, host and port (at most 3).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace pat::patd::oidc {

struct FetchLimits {
    std::chrono::milliseconds deadline{4000};
    std::size_t max_bytes = std::size_t{256} * 1024;
};

struct Fetched {
    long status = 0;
    std::string body;
    std::optional<std::chrono::seconds> max_age;  // from Cache-Control
};

class Fetcher {
  public:
    virtual ~Fetcher() = default;
    // Any HTTP status is a success; the error names the URL's origin and
    // what went wrong (unreachable, deadline, too large, refused redirect).
    virtual Result<Fetched, std::string> get(const std::string& url, const FetchLimits& limits) = 0;
};

std::shared_ptr<Fetcher> make_curl_fetcher();

// nullopt when `url` is one patd may fetch or trust as an issuer: an
// absolute https URL, or http with a loopback host; no user info, query or
// fragment. Otherwise the reason.
std::optional<std::string> check_fetch_url(std::string_view url);

// "scheme://host[:port]" of an URL that passed check_fetch_url.
std::string url_origin_of(std::string_view url);

}  // namespace pat::patd::oidc
