#include "helper/state/locked_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "helper/state/state_paths.hpp"

namespace pat::helper::detail {
namespace {

constexpr int k_max_reopen = 100;  // a rename per retry; bounded anyway

// Writes all of `data`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return path.substr(0, slash);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (m_fd >= 0) ::close(m_fd);
}

int UniqueFd::release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

cred::Error io_error(std::string_view what, const std::string& path, std::string_view op,
                     int error_number) {
    return {cred::Errc::backend, std::string(what) + " " + path + ": " + std::string(op) + ": " +
                                     std::strerror(error_number)};
}

cred::Error unsafe_file_error(std::string_view what, const std::string& path,
                              std::string_view why) {
    return {cred::Errc::unsafe_file,
            std::string(what) + " " + path + " " + std::string(why) + ": not using it (remove it)"};
}

cred::Error open_error(std::string_view what, const std::string& path, int error_number) {
    if (error_number == ELOOP) return unsafe_file_error(what, path, "is a symbolic link");
    return io_error(what, path, "open", error_number);
}

cred::Result<std::optional<UniqueFd>> open_locked(std::string_view what, const std::string& path,
                                                  int flags, int lock_op) {
    bool made_parent = false;
    for (int attempt = 0; attempt < k_max_reopen; ++attempt) {
        UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (fd.get() < 0) {
            const int err = errno;
            if (err == ENOENT && (flags & O_CREAT) != 0 && !made_parent) {
                made_parent = true;
                if (auto made = ensure_private_dir(parent_of(path)); !made) {
                    return fail(std::move(made).error());
                }
                continue;
            }
            if (err == ENOENT) return std::optional<UniqueFd>();
            return fail(open_error(what, path, err));
        }
        while (::flock(fd.get(), lock_op) != 0) {
            if (errno != EINTR) return fail(io_error(what, path, "flock", errno));
        }
        // A compaction may have renamed a new file over `path` while we
        // waited: our descriptor would then point at the unlinked old file.
        struct stat held {
        }, current{};
        if (::fstat(fd.get(), &held) != 0) return fail(io_error(what, path, "fstat", errno));
        if (!S_ISREG(held.st_mode))
            return fail(unsafe_file_error(what, path, "is not a regular file"));
        if (::stat(path.c_str(), &current) != 0) {
            if (errno == ENOENT) continue;  // removed meanwhile: start over
            return fail(io_error(what, path, "stat", errno));
        }
        if (held.st_ino == current.st_ino && held.st_dev == current.st_dev) {
            return std::optional<UniqueFd>(std::move(fd));
        }
    }
    return fail(cred::Error{cred::Errc::backend,
                            std::string(what) + " " + path + ": replaced too often while locking"});
}

cred::Result<std::string> read_all(std::string_view what, const std::string& path, int fd) {
    std::string content;
    char buf[16384];
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(io_error(what, path, "read", errno));
        }
        if (n == 0) break;
        content.append(buf, static_cast<std::size_t>(n));
        offset += n;
    }
    return content;
}

cred::Result<void> replace_file(std::string_view what, const std::string& path,
                                std::string_view content) {
    std::random_device random;
    const std::string temp =
        path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random());
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return fail(io_error(what, temp, "open", errno));
    if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return fail(io_error(what, temp, "write", err));
    }
    fd = UniqueFd();
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return fail(io_error(what, path, "rename", err));
    }
    return {};
}

}  // namespace pat::helper::detail

namespace pat::helper {

cred::Result<std::optional<std::string>> read_state_file(std::string_view what,
                                                         const std::string& path) {
    // `get` reads the verdicts through here: open + read, nothing more.
    // O_NONBLOCK: a FIFO planted in its place reads as empty instead of
    // blocking; a directory fails the read.
    const detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<std::string>();
        return fail(detail::open_error(what, path, errno));
    }
    auto content = detail::read_all(what, path, fd.get());
    if (!content) return fail(std::move(content).error());
    return std::optional<std::string>(std::move(*content));
}

cred::Result<void> write_state_file(std::string_view what, const std::string& path,
                                    std::string_view content) {
    if (auto made = ensure_private_dir(detail::parent_of(path)); !made) return made;
    return detail::replace_file(what, path, content);
}

}  // namespace pat::helper
