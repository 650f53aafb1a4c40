#include "tokenclient/docker_certs.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tokenclient/url.hpp"

namespace pat::tokenclient {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::optional<std::string> docker_extra_cas(std::string_view url, const std::string& certs_root) {
    const auto parts = parse_url(url);
    if (!parts || parts->scheme != "https") return std::nullopt;
    std::string name = parts->host;
    if (!parts->port.empty()) name += ":" + parts->port;
    // A host name never contains '/', but the URL came from a server.
    if (name.find('/') != std::string::npos || name == "." || name == "..") return std::nullopt;
    const std::filesystem::path dir = std::filesystem::path(certs_root) / name;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".crt" && it->is_regular_file(ec))
            files.push_back(it->path());
    }
    if (files.empty()) return std::nullopt;
    std::sort(files.begin(), files.end());
    std::string pem;
    for (const auto& file : files) {
        if (auto text = read_file(file)) {
            pem += *text;
            if (!pem.empty() && pem.back() != '\n') pem += '\n';
        }
    }
    if (pem.empty()) return std::nullopt;
    return pem;
}

std::string ca_bundle_with(const std::string& system_bundle, const std::string& extra) {
    std::string out;
    if (!system_bundle.empty()) {
        if (auto text = read_file(system_bundle)) out = std::move(*text);
    }
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + extra;
}

}  // namespace pat::tokenclient
