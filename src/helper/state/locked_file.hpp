#pragma once
// Shared by the spool and the verdict cache (internal to pat_helper_state):
// a file descriptor taken under flock that is guaranteed to still be the file
// at `path`, and the atomic temp-file + rename replacement.

#include <optional>
#include <string>
#include <string_view>

#include "credentials/errors.hpp"

namespace pat::helper::detail {

// Owns a file descriptor; closing it releases its flock.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return m_fd; }
    int release();

  private:
    int m_fd = -1;
};

// The directory part of `path` ("/" for a top-level file).
std::string parent_of(const std::string& path);

// An I/O failure on `path`, e.g. "usage spool /x/usage.spool: open: Permission denied".
cred::Error io_error(std::string_view what, const std::string& path, std::string_view op,
                     int error_number);

// A state file that must not be used: Errc::unsafe_file, e.g. "verdict
// cache /x/verdicts.json is a symbolic link: not following it (remove it)".
cred::Error unsafe_file_error(std::string_view what, const std::string& path, std::string_view why);

// The error for a failed open(…, O_NOFOLLOW) of a state file: ELOOP is an
// unsafe_file error, anything else an I/O error.
cred::Error open_error(std::string_view what, const std::string& path, int error_number);

// Opens `path` with `flags` (O_CREAT creates it 0600, creating a missing
// parent directory 0700), takes flock(`lock_op`), and re-opens when a
// rename replaced the file while we waited for the lock, so the lock always
// covers the file currently at `path`. Never through a symbolic link, and
// only a regular file (else unsafe_file). nullopt: no file and no O_CREAT.
cred::Result<std::optional<UniqueFd>> open_locked(std::string_view what, const std::string& path,
                                                  int flags, int lock_op);

// The whole content of `fd` from offset 0.
cred::Result<std::string> read_all(std::string_view what, const std::string& path, int fd);

// Writes `content` to a fresh 0600 temp file beside `path`, fsyncs it and
// renames it over `path`: readers see the old file or the new one, whole.
// Call it while holding the lock of the old file.
cred::Result<void> replace_file(std::string_view what, const std::string& path,
                                std::string_view content);

}  // namespace pat::helper::detail
