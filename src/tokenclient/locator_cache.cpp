#include "tokenclient/locator_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pat::tokenclient {
namespace {

using nlohmann::json;

constexpr int k_version = 1;

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// mkdir -p for the cache's directory, private to the user.
void make_parent_dirs(const std::string& path) {
    for (std::size_t pos = path.find('/', 1); pos != std::string::npos;
         pos = path.find('/', pos + 1))
        (void)::mkdir(path.substr(0, pos).c_str(), 0700);
}

}  // namespace

LocatorCache read_locator_cache(const std::string& path) {
    LocatorCache cache;
    std::ifstream in(path, std::ios::binary);
    if (!in) return cache;
    std::stringstream text;
    text << in.rdbuf();
    const json doc = json::parse(text.str(), nullptr, false);
    if (!doc.is_object() || doc.value("version", 0) != k_version) return cache;
    const auto entries = doc.find("entries");
    if (entries == doc.end() || !entries->is_object()) return cache;
    for (const auto& [key, e] : entries->items()) {
        if (!e.is_object()) continue;
        const auto kind = parse_service_kind(e.value("kind", ""));
        const auto stored_at = e.find("stored_at");
        if (!kind || stored_at == e.end() || !stored_at->is_number_integer()) continue;
        CachedEndpoint c;
        c.endpoint.kind = *kind;
        c.endpoint.patd_url = e.value("patd_url", "");
        c.endpoint.challenge.realm = e.value("realm", "");
        c.endpoint.challenge.service = e.value("service", "");
        c.endpoint.source = e.value("source", "");
        c.configured = e.value("configured", "");
        c.stored_at = stored_at->get<std::int64_t>();
        cache[key] = std::move(c);
    }
    return cache;
}

void write_locator_cache(const std::string& path, const LocatorCache& cache) {
    if (path.empty()) return;
    json entries = json::object();
    for (const auto& [key, c] : cache) {
        entries[key] = {{"kind", std::string(to_string(c.endpoint.kind))},
                        {"patd_url", c.endpoint.patd_url},
                        {"realm", c.endpoint.challenge.realm},
                        {"service", c.endpoint.challenge.service},
                        {"source", c.endpoint.source},
                        {"configured", c.configured},
                        {"stored_at", c.stored_at}};
    }
    const std::string text = json{{"version", k_version}, {"entries", entries}}.dump(
                                 2, ' ', false, json::error_handler_t::replace) +
                             "\n";
    make_parent_dirs(path);
    std::string temp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());  // mode 0600
    if (fd < 0) return;
    const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) ::unlink(temp.c_str());
}

}  // namespace pat::tokenclient
