// parse_url and friends (url.hpp).
#include "tokenclient/url.hpp"

#include <algorithm>
#include <cctype>

#include "common/percent.hpp"

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
    const std::size_t sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    UrlParts parts;
    parts.scheme = lower(url.substr(0, sep));
    if (!std::all_of(parts.scheme.begin(), parts.scheme.end(), [](unsigned char c) {
            return std::isalnum(c) != 0 || c == '+' || c == '-' || c == '.';
        }))
        return std::nullopt;
    std::string_view authority = url.substr(sep + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(0, close + 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port = rest.substr(1);
        }
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || !all_digits(port) || port.size() > 5) return std::nullopt;
    parts.host = std::string(host);
    parts.port = std::string(port);
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
