#include "helper/commands/docker_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pat::helper::cmd {
namespace {

cred::Error io_error(const std::string& what, const std::string& path) {
    return cred::Error{cred::Errc::backend, what + " " + path + ": " + std::strerror(errno)};
}

// Follows a symlink so the rename replaces the target, not the link.
std::string resolve(const std::string& path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) != nullptr) return buf;
    return path;
}

std::string dir_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

cred::Result<void> mkdirs(const std::string& dir) {
    if (dir.empty() || dir == "/" || dir == ".") return {};
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return {};
    if (auto parent = mkdirs(dir_of(dir)); !parent) return parent;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return fail(io_error("cannot create", dir));
    return {};
}

// Writes `text` to `path` atomically with `mode`.
cred::Result<void> write_atomic(const std::string& path, const std::string& text, mode_t mode) {
    std::string tmp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return fail(io_error("cannot create a temporary file next to", path));
    bool ok = ::fchmod(fd, mode) == 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        errno = ok ? errno : saved;
        auto error = io_error("cannot write", path);
        ::unlink(tmp.c_str());
        return fail(std::move(error));
    }
    return {};
}

}  // namespace

std::optional<std::string> docker_config_path(const cred::EnvLookup& env) {
    if (auto dir = env("DOCKER_CONFIG"); dir && !dir->empty()) return *dir + "/config.json";
    if (auto home = env("HOME"); home && !home->empty()) return *home + "/.docker/config.json";
    return std::nullopt;
}

cred::Result<DockerConfig> read_docker_config(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        if (errno == ENOENT) return DockerConfig::object();
        return fail(io_error("cannot read", path));
    }
    std::stringstream text;
    text << file.rdbuf();
    const std::string content = text.str();
    if (content.find_first_not_of(" \t\r\n") == std::string::npos) return DockerConfig::object();
    DockerConfig config = DockerConfig::parse(content, nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
        return fail(cred::Error{cred::Errc::bad_input,
                                "invalid docker config " + path +
                                    ": not a JSON object; fix or move it first (left unchanged)"});
    }
    return config;
}

cred::Result<bool> edit_docker_config(const std::string& given_path,
                                      const std::function<bool(DockerConfig&)>& edit) {
    const std::string path = resolve(given_path);
    auto config = read_docker_config(path);
    if (!config) return fail(std::move(config).error());
    if (!edit(*config)) return false;

    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    const mode_t mode = exists ? (st.st_mode & 07777) : 0600;
    if (auto made = mkdirs(dir_of(path)); !made) return fail(std::move(made).error());
    if (exists) {
        std::ifstream old(path, std::ios::binary);
        std::stringstream previous;
        previous << old.rdbuf();
        if (auto backup = write_atomic(path + ".bak", previous.str(), mode); !backup) {
            return fail(std::move(backup).error());
        }
    }
    // The docker CLI writes tab-indented JSON; keep that look.
    if (auto written = write_atomic(path, config->dump(1, '\t') + "\n", mode); !written) {
        return fail(std::move(written).error());
    }
    return true;
}

bool set_cred_helper(DockerConfig& config, const std::string& key, const std::string& helper) {
    auto& helpers = config["credHelpers"];
    if (!helpers.is_object()) helpers = DockerConfig::object();
    if (helpers.contains(key) && helpers[key] == helper) return false;
    helpers[key] = helper;
    return true;
}

bool remove_cred_helper(DockerConfig& config, const std::string& key, const std::string& helper) {
    if (!config.contains("credHelpers") || !config["credHelpers"].is_object()) return false;
    auto& helpers = config["credHelpers"];
    if (!helpers.contains(key) || helpers[key] != helper) return false;
    helpers.erase(key);
    if (helpers.empty()) config.erase("credHelpers");
    return true;
}

bool set_creds_store(DockerConfig& config, const std::string& helper) {
    if (config.contains("credsStore") && config["credsStore"] == helper) return false;
    config["credsStore"] = helper;
    return true;
}

}  // namespace pat::helper::cmd
