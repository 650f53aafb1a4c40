#include "credentials/server_url.hpp"

#include <algorithm>
#include <optional>

#include "common/url_split.hpp"

namespace pat::cred {
namespace {

constexpr std::string_view k_space = " \t\r\n\v\f";

struct ParsedKey {
    std::string_view scheme;  // "", "http" or "https"
    std::string_view host_port;
    std::string_view path;  // "" or starting with '/'
};

std::optional<ParsedKey> parse(std::string_view key) {
    if (key.find_first_of(k_space) != std::string_view::npos) return std::nullopt;
    const UrlSplit split = split_url(key);
    if (split.has_scheme && split.scheme != "http" && split.scheme != "https") return std::nullopt;
    // A '@' past the authority lands in the path, which makes the key strict
    // below anyway.
    if (!split.userinfo.empty() || !split.query.empty() || !split.fragment.empty())
        return std::nullopt;
    if (split.authority.empty()) return std::nullopt;
    return ParsedKey{split.scheme, split.authority, split.path};
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        return lower(x) == lower(y);
    });
}

bool is_docker_hub(const ParsedKey& k) {
    if (k.scheme == "http") return false;  // Hub is https only; keep http strict
    const bool hub_host =
        iequals(k.host_port, "docker.io") || iequals(k.host_port, "index.docker.io");
    if (!hub_host) return false;
    if (k.path.empty() || k.path == "/") return true;
    return iequals(k.host_port, "index.docker.io") && (k.path == "/v1" || k.path == "/v1/");
}

}  // namespace

std::string_view trim_server_url(std::string_view input) {
    const auto first = input.find_first_not_of(k_space);
    if (first == std::string_view::npos) return {};
    const auto last = input.find_last_not_of(k_space);
    return input.substr(first, last - first + 1);
}

std::vector<std::string> fallback_keys(std::string_view key) {
    std::vector<std::string> out;
    const auto parsed = parse(key);
    if (!parsed) return out;
    auto add = [&](std::string candidate) {
        if (candidate != key && std::find(out.begin(), out.end(), candidate) == out.end()) {
            out.push_back(std::move(candidate));
        }
    };
    if (is_docker_hub(*parsed)) {
        add(std::string(k_docker_hub_key));
        add("docker.io");
        add("index.docker.io");
        return out;
    }
    if (!parsed->path.empty() && parsed->path != "/") return out;
    const std::string host(parsed->host_port);
    if (parsed->scheme.empty()) {
        if (!parsed->path.empty()) return out;  // `host/` is not a form anyone sends
        add("https://" + host);
        add("http://" + host);
        return out;
    }
    const std::string prefix = std::string(parsed->scheme) + "://";
    add(host);
    add(prefix + host);
    add(prefix + host + "/");
    return out;
}

}  // namespace pat::cred
