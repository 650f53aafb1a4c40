#include "helper/lifecycle/flush.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/log.hpp"
#include "helper/lifecycle/pat_store.hpp"
#include "helper/state/token_metadata.hpp"

namespace pat::helper {
namespace {

using tokenclient::ServiceKind;
using tokenclient::TokenInfo;

// An open file descriptor, closed on scope exit.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

cred::Error state_error(const std::string& what, const std::string& path) {
    if (errno == ELOOP) {
        return {cred::Errc::unsafe_file,
                "flush lock " + path + " is a symbolic link: not using it (remove it)"};
    }
    return {cred::Errc::backend, what + " " + path + ": " + std::strerror(errno)};
}

// Whether the flush should ask the service about this item: stored by this
// helper (it has a generation) and either tied to a service or never
// checked (the service was down at store time).
bool wants_refresh(const TokenInfo& info) {
    if (info.generation.empty()) return false;
    return info.kind != ServiceKind::none || !info.checked_at;
}

// How long uses of a key this flush's keychain does not hold are kept: the
// spool is shared by every keychain of the user (e.g. DOCKER_CREDENTIAL_PAT_STORE
// differs between shells), so another flush may still deliver them.
constexpr auto k_orphan_use_ttl = std::chrono::hours(24 * 7);

void deliver_uses(cred::CredentialStore& inner, tokenclient::TokenService& service,
                  UsageSpool& spool, const Clock& clock, FlushReport& report) {
    auto drained = spool.drain([&](const std::string& key, const UsageRecord& use) {
        auto creds = inner.get(key);
        if (!creds) {
            if (creds.error().code == cred::Errc::not_found &&
                use.last_used < clock.now() - k_orphan_use_ttl) {
                return true;  // nobody holds a token for it any more
            }
            ++report.uses_kept;
            return false;
        }
        // Only to the service its token was stored for (pat_service).
        const std::string recorded = helper::from_metadata(creds->metadata).service_url;
        auto sent =
            service.report_usage(key, creds->username, creds->secret, recorded, use.last_used);
        if (!sent) {
            log::debug("usage for " + key + " kept: " + sent.error().message);
            ++report.uses_kept;
            return false;
        }
        ++report.uses_delivered;
        return true;
    });
    if (!drained) log::debug("usage spool: " + drained.error().message);
}

// The refresh stops starting new checks after this long, so a keychain full
// of items whose service is unreachable cannot keep a flush alive for long.
constexpr auto k_refresh_budget = std::chrono::seconds(20);

void refresh_verdicts(cred::CredentialStore& inner, tokenclient::TokenService& service,
                      VerdictCache& verdicts, const HelperConfig& config, const Clock& clock,
                      FlushReport& report) {
    auto keys = inner.list();
    if (!keys) {
        log::debug("flush: cannot list the keychain: " + keys.error().message);
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    for (const auto& [key, username] : *keys) {
        if (is_internal_key(key)) continue;
        if (std::chrono::steady_clock::now() - started > k_refresh_budget) break;
        auto creds = inner.get(key);
        if (!creds) continue;
        const TokenInfo stored = helper::from_metadata(creds->metadata);
        if (!wants_refresh(stored)) continue;
        // Checked within the interval already (by another flush): skip.
        if (auto old = verdicts.lookup(key, stored.generation);
            old && old->checked_at && clock.now() - *old->checked_at < config.flush_interval) {
            continue;
        }
        auto verdict = service.validate(key, creds->username, creds->secret, stored.service_url);
        if (!verdict) continue;                   // could not ask: keep what we knew
        verdict->generation = stored.generation;  // checked_at: as the service dated it
        // One key at a time under the file's lock: verdicts of keys in other
        // keychains, and a concurrent erase, are left alone.
        if (auto saved = verdicts.put(key, *verdict); !saved) {
            log::debug("verdict cache: " + saved.error().message);
            continue;
        }
        ++report.verdicts_refreshed;
    }
}

}  // namespace

cred::Result<FlushReport> run_flush(cred::CredentialStore& inner,
                                    tokenclient::TokenService& service, const HelperConfig& config,
                                    const Clock& clock) {
    FlushReport report;
    const StatePaths& paths = config.paths;
    if (paths.state_dir.empty()) {
        return fail(
            cred::Error{cred::Errc::bad_input, "no state directory: set HOME or XDG_STATE_HOME"});
    }
    if (auto made = ensure_private_dir(paths.state_dir); !made)
        return fail(std::move(made).error());
    Fd lock(::open(paths.flush_lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (lock.fd < 0) return fail(state_error("cannot open", paths.flush_lock()));
    if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) return fail(state_error("cannot lock", paths.flush_lock()));
        report.already_running = 1;
        return report;
    }
    ::futimens(lock.fd, nullptr);  // "a flush started now", for maybe_spawn_flush's rate limit
    UsageSpool spool(paths.spool());
    VerdictCache verdicts(paths.verdicts());
    deliver_uses(inner, service, spool, clock, report);
    refresh_verdicts(inner, service, verdicts, config, clock, report);
    return report;
}

namespace {

// Seconds since `path` was last modified, or nullopt when it does not exist
// (a symbolic link's own time: state files are never followed).
std::optional<std::chrono::seconds> age_of(const std::string& path, const Clock& clock) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
    const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now() - mtime);
}

bool is_due(const HelperConfig& config, const Clock& clock) {
    const StatePaths& paths = config.paths;
    if (auto since_last = age_of(paths.flush_lock(), clock);
        since_last && *since_last < config.flush_interval) {
        return false;
    }
    struct stat st {};
    const bool uses_pending = ::lstat(paths.spool().c_str(), &st) == 0 && st.st_size > 0;
    const auto verdict_age = age_of(paths.verdicts(), clock);
    return uses_pending || !verdict_age || *verdict_age >= config.flush_interval;
}

// Marks "a flush started now" (the rate limit) before spawning it, so
// concurrent `get`s rarely spawn two (the lock keeps it to one anyway).
cred::Result<void> touch(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.fd < 0 || ::futimens(fd.fd, nullptr) != 0)
        return fail(state_error("cannot touch", path));
    return {};
}

}  // namespace

cred::Result<void> maybe_spawn_flush(const HelperConfig& config, const Clock& clock) {
    if (config.offline || config.paths.state_dir.empty()) return {};
    if (!is_due(config, clock)) return {};
    if (auto touched = touch(config.paths.flush_lock()); !touched) {
        if (touched.error().code == cred::Errc::unsafe_file) return touched;
        log::debug("flush: " + touched.error().message);
        return {};
    }
    // Everything the children need is prepared before fork: after it, only
    // async-signal-safe calls (the parent may have D-Bus threads).
    static constexpr char k_self[] = "/proc/self/exe";
    static char k_arg0[] = "docker-credential-pat";
    static char k_arg1[] = "flush";
    char* const argv[] = {k_arg0, k_arg1, nullptr};
    const pid_t child = ::fork();
    if (child < 0) {
        log::debug(std::string("flush: fork: ") + std::strerror(errno));
        return {};
    }
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0);  // the grandchild is adopted by init
        const int null_fd = ::open("/dev/null", O_RDWR);
        if (null_fd < 0) ::_exit(127);
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        ::dup2(null_fd, 2);
        ::close_range(3, ~0U, 0);
        ::execv(k_self, argv);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return {};
}

}  // namespace pat::helper
