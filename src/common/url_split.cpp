// split_url and split_host_port (url_split.hpp).
#include "common/url_split.hpp"

namespace pat {

UrlSplit split_url(std::string_view text) {
    UrlSplit out;
    if (const auto sep = text.find("://"); sep != std::string_view::npos) {
        out.has_scheme = true;
        out.scheme = text.substr(0, sep);
        text.remove_prefix(sep + 3);
    }
    const auto authority_end = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, authority_end);
    text.remove_prefix(authority.size());
    // The last '@' ends the user info: a password may hold '@' unencoded.
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        out.userinfo = authority.substr(0, at + 1);
        authority.remove_prefix(at + 1);
    }
    out.authority = authority;
    const auto fragment = text.find('#');
    if (fragment != std::string_view::npos) {
        out.fragment = text.substr(fragment);
        text = text.substr(0, fragment);
    }
    const auto query = text.find('?');
    if (query != std::string_view::npos) {
        out.query = text.substr(query);
        text = text.substr(0, query);
    }
    out.path = text;
    return out;
}

std::optional<HostPort> split_host_port(std::string_view authority) {
    HostPort out{authority, {}};
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = authority.substr(0, close + 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            out.port = rest.substr(1);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        out.host = authority.substr(0, colon);
        out.port = authority.substr(colon + 1);
    }
    return out;
}

}  // namespace pat
