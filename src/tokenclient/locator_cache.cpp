#include "tokenclient/locator_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/log.hpp"
#include "common/private_dir.hpp"

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

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? std::string("/") : path.substr(0, slash);
}

// Whether the cache's directory is one only this user can write: an entry
// planted by someone else would send the next stored secret to their
// service. A missing directory is fine (write_locator_cache makes it 0700).
// One warning per process when it is not.
bool cache_dir_is_private(const std::string& path) {
    const std::string dir = parent_of(path);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return errno == ENOENT;
    const auto why = unsafe_dir_reason("the cache directory", dir, st);
    if (!why) return true;
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) log::warn(*why + "; not using its discovery cache");
    return false;
}

// The file's text, never through a symbolic link; empty when absent or
// not a regular file.
std::string read_regular_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return {};
    std::string text;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        char buf[8192];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            text.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return text;
}

}  // namespace

LocatorCache read_locator_cache(const std::string& path) {
    LocatorCache cache;
    if (path.empty() || !cache_dir_is_private(path)) return cache;
    const json doc = json::parse(read_regular_file(path), nullptr, false);
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
    if (!cache_dir_is_private(path)) return;
    std::string temp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());  // mode 0600
    if (fd < 0) return;
    const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) ::unlink(temp.c_str());
}

}  // namespace pat::tokenclient
