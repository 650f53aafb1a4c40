#include "helper/state/state_paths.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/private_dir.hpp"

namespace pat::helper {
namespace {

constexpr std::string_view k_app = "/docker-credential-pat";

// The value of `name` when it is an absolute path (XDG says relative values
// are invalid and must be ignored).
std::optional<std::string> absolute(const cred::EnvLookup& env, std::string_view name) {
    auto value = env(name);
    if (!value || value->empty() || value->front() != '/') return std::nullopt;
    return value;
}

// $xdg_var/docker-credential-pat, else $HOME/<home_suffix>/docker-credential-pat.
std::optional<std::string> xdg_dir(const cred::EnvLookup& env, std::string_view xdg_var,
                                   std::string_view home_suffix) {
    if (auto xdg = absolute(env, xdg_var)) return *xdg + std::string(k_app);
    if (auto home = absolute(env, "HOME")) {
        return *home + "/" + std::string(home_suffix) + std::string(k_app);
    }
    return std::nullopt;
}

}  // namespace

std::optional<StatePaths> state_paths(const cred::EnvLookup& env) {
    auto state = absolute(env, "DOCKER_CREDENTIAL_PAT_STATE_DIR");
    if (!state) state = xdg_dir(env, "XDG_STATE_HOME", ".local/state");
    if (!state) return std::nullopt;
    auto cache = xdg_dir(env, "XDG_CACHE_HOME", ".cache");
    // A CI job may set only the override (no HOME): keep the cache beside it.
    if (!cache) cache = *state + "/cache";
    return StatePaths{*state, *cache};
}

cred::Result<void> ensure_private_dir(const std::string& dir) {
    if (dir.empty() || dir.front() != '/') {
        return fail(cred::Error{cred::Errc::bad_input, "state directory must be absolute: " + dir});
    }
    // Every call but the first finds it there: one lstat, not a walk (this
    // runs on every `get`). An existing directory is used only when nobody
    // else can have planted files in it.
    if (struct stat st{}; ::lstat(dir.c_str(), &st) == 0) {
        if (auto why = unsafe_dir_reason("the state directory", dir, st))
            return fail(cred::Error{cred::Errc::unsafe_file, *why});
        return {};
    }
    // Walk down from the root; only the components we create get 0700, the
    // user's existing directories (HOME, ~/.local) are left as they are.
    std::size_t pos = 1;
    while (pos <= dir.size()) {
        std::size_t next = dir.find('/', pos);
        if (next == std::string::npos) next = dir.size();
        const std::string prefix = dir.substr(0, next);
        pos = next + 1;
        if (next > 0 && dir[next - 1] == '/') continue;  // "//"
        if (::mkdir(prefix.c_str(), 0700) == 0) continue;
        if (errno == EEXIST) {
            struct stat st {};
            if (::stat(prefix.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
                return fail(cred::Error{cred::Errc::backend, "not a directory: " + prefix});
            // Made by someone else meanwhile: the same rules as above.
            if (next == dir.size() && ::lstat(prefix.c_str(), &st) == 0) {
                if (auto why = unsafe_dir_reason("the state directory", dir, st))
                    return fail(cred::Error{cred::Errc::unsafe_file, *why});
            }
            continue;
        }
        return fail(cred::Error{cred::Errc::backend,
                                "cannot create " + prefix + ": " + std::strerror(errno)});
    }
    return {};
}

}  // namespace pat::helper
