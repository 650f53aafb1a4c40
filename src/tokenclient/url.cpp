// parse_url and friends (url.hpp).
#include "tokenclient/url.hpp"

#include <algorithm>
#include <cctype>

#include "common/percent.hpp"
#include "common/url_split.hpp"

namespace pat::tokenclient {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool all_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
    const UrlSplit split = split_url(url);
    if (!split.has_scheme || split.scheme.empty()) return std::nullopt;
    UrlParts parts;
    parts.scheme = lower(split.scheme);
    if (!std::all_of(parts.scheme.begin(), parts.scheme.end(), [](unsigned char c) {
            return std::isalnum(c) != 0 || c == '+' || c == '-' || c == '.';
        }))
        return std::nullopt;
    const auto host_port = split_host_port(split.authority);
    if (!host_port || host_port->host.empty() || !all_digits(host_port->port) ||
        host_port->port.size() > 5)
        return std::nullopt;
    parts.host = std::string(host_port->host);
    parts.port = std::string(host_port->port);
    return parts;
}

std::string url_origin(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return {};
    std::string out = parts->scheme + "://" + parts->host;
    if (!parts->port.empty()) out += ":" + parts->port;
    return out;
}

std::string url_endpoint(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return "(unparsable URL)";
    std::string port = parts->port;
    if (port.empty()) port = parts->scheme == "https" ? "443" : "80";
    return parts->scheme + "://" + parts->host + ":" + port;
}

std::string url_encode(std::string_view text) {
    return percent_encode(text);
}

}  // namespace pat::tokenclient
