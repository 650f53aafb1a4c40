#include "helper/state/usage_spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>
#include <utility>
#include <vector>

#include "common/percent.hpp"
#include "helper/state/locked_file.hpp"

namespace pat::helper {
namespace {

using detail::UniqueFd;
using Records = std::map<std::string, UsageRecord>;

constexpr std::string_view k_what = "usage spool";

// Keys are server URLs: printable ASCII stays, '%', space and everything
// else becomes %XX so that a line is always "<secs> <key>[ <count>]".
std::string escape(const std::string& key) {
    return percent_encode(key, [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '%'; });
}

std::optional<std::string> unescape(std::string_view text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return std::nullopt;  // escape() never leaves these
    }
    auto out = percent_decode(text);
    if (!out || out->empty()) return std::nullopt;
    return out;
}

template <class N>
std::optional<N> parse_number(std::string_view text) {
    N value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::string format_line(const std::string& key, tokenclient::TimePoint when, std::uint64_t uses) {
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
    std::string line = std::to_string(secs) + " " + escape(key);
    if (uses != 1) line += " " + std::to_string(uses);
    return line + "\n";
}

// Adds one line ("<secs> <key>" or "<secs> <key> <count>") to `records`;
// a malformed line (a torn write after a crash, a stray edit) is skipped.
void merge_line(Records& records, std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos <= line.size() && fields.size() < 4) {
        const std::size_t space = std::min(line.find(' ', pos), line.size());
        fields.push_back(line.substr(pos, space - pos));
        pos = space + 1;
    }
    if (fields.size() < 2 || fields.size() > 3) return;
    const auto secs = parse_number<std::int64_t>(fields[0]);
    const auto key = unescape(fields[1]);
    const auto uses = fields.size() == 3 ? parse_number<std::uint64_t>(fields[2])
                                         : std::optional<std::uint64_t>(1);
    if (!secs || *secs < 0 || !key || !uses || *uses == 0) return;
    const tokenclient::TimePoint when{std::chrono::seconds(*secs)};
    UsageRecord& record = records[*key];
    record.uses += *uses;
    record.last_used = std::max(record.last_used, when);
}

// Every complete line of `content`; an unterminated tail is a write in
// progress (or torn by a crash) and is left out.
Records parse(std::string_view content) {
    Records records;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t end = content.find('\n', pos);
        if (end == std::string_view::npos) break;
        merge_line(records, content.substr(pos, end - pos));
        pos = end + 1;
    }
    return records;
}

std::string serialize(const Records& records) {
    std::string out;
    for (const auto& [key, record] : records)
        out += format_line(key, record.last_used, record.uses);
    return out;
}

// Drops the keys used longest ago until the compacted file plus `reserve`
// bytes fit in `max_bytes`.
void enforce_bound(Records& records, std::size_t max_bytes, std::size_t reserve) {
    std::size_t size = serialize(records).size();
    if (size + reserve <= max_bytes) return;
    std::vector<std::pair<tokenclient::TimePoint, std::string>> by_age;
    for (const auto& [key, record] : records) by_age.emplace_back(record.last_used, key);
    std::sort(by_age.begin(), by_age.end());
    for (const auto& [when, key] : by_age) {
        if (size + reserve <= max_bytes) break;
        size -= format_line(key, when, records[key].uses).size();
        records.erase(key);
    }
}

// The merged records of the spool, read under flock(`lock_op`); `fd` holds
// the lock (empty when there is no file).
struct Locked {
    std::optional<UniqueFd> fd;
    Records records;
};

cred::Result<Locked> read_locked(const std::string& path, int flags, int lock_op) {
    auto opened = detail::open_locked(k_what, path, flags, lock_op);
    if (!opened) return fail(std::move(opened).error());
    Locked locked{std::move(*opened), {}};
    if (!locked.fd) return locked;
    auto content = detail::read_all(k_what, path, locked.fd->get());
    if (!content) return fail(std::move(content).error());
    locked.records = parse(*content);
    return locked;
}

// Under the exclusive lock, lets `change` edit the records and, when it
// returns true, replaces the file with them, compacted.
template <class Change>
cred::Result<void> rewrite(const std::string& path, Change&& change) {
    auto locked = read_locked(path, O_RDWR, LOCK_EX);
    if (!locked) return fail(std::move(locked).error());
    if (!locked->fd || !change(locked->records)) return {};
    return detail::replace_file(k_what, path, serialize(locked->records));
}

}  // namespace

UsageSpool::UsageSpool(std::string path, std::size_t max_bytes)
    : m_path(std::move(path)), m_max_bytes(max_bytes) {}

cred::Result<void> UsageSpool::append(const std::string& server_key, tokenclient::TimePoint when) {
    if (server_key.empty()) {
        return fail(cred::Error{cred::Errc::missing_server_url, "usage spool: empty server key"});
    }
    if (m_path.empty()) return {};  // disabled
    const std::string line = format_line(server_key, when, 1);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto opened = detail::open_locked(k_what, m_path, O_RDWR | O_APPEND | O_CREAT, LOCK_SH);
        if (!opened) return fail(std::move(opened).error());
        const UniqueFd fd = std::move(**opened);
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0)
            return fail(detail::io_error(k_what, m_path, "fstat", errno));
        const auto size = static_cast<std::size_t>(st.st_size);
        if (attempt == 0 && size + line.size() + 2 > m_max_bytes) {
            // Compact (and if need be drop the oldest keys) under the
            // exclusive lock, then append to the file that replaced this one.
            static_cast<void>(::flock(fd.get(), LOCK_UN));
            if (auto compacted = compact(line.size() + 2); !compacted) return compacted;
            continue;
        }
        // A crash may have torn the last line: end it with a byte no valid
        // line holds (DEL), so it stays one skipped line instead of reading
        // as a use of a truncated key, and start ours on a fresh line.
        std::string data = line;
        char last = '\n';
        if (size > 0 && ::pread(fd.get(), &last, 1, st.st_size - 1) == 1 && last != '\n') {
            data.insert(0, "\x7f\n");
        }
        // One write() with O_APPEND: concurrent appenders never interleave.
        const ssize_t n = ::write(fd.get(), data.data(), data.size());
        if (n != static_cast<ssize_t>(data.size())) {
            return fail(detail::io_error(k_what, m_path, "write", n < 0 ? errno : EIO));
        }
        return {};
    }
    return {};
}

cred::Result<std::map<std::string, UsageRecord>> UsageSpool::pending() const {
    if (m_path.empty()) return std::map<std::string, UsageRecord>{};  // disabled
    auto locked = read_locked(m_path, O_RDONLY, LOCK_SH);
    if (!locked) return fail(std::move(locked).error());
    return std::move(locked->records);
}

cred::Result<void> UsageSpool::compact(std::size_t reserve) {
    if (m_path.empty()) return {};  // disabled
    return rewrite(m_path, [&](Records& records) {
        enforce_bound(records, m_max_bytes, reserve);
        return true;
    });
}

cred::Result<void> UsageSpool::drain(
    const std::function<bool(const std::string& key, const UsageRecord&)>& deliver) {
    auto snapshot = pending();
    if (!snapshot) return fail(std::move(snapshot).error());
    if (snapshot->empty()) return {};
    // Deliver without the lock: `get` keeps appending meanwhile.
    Records delivered;
    for (const auto& [key, record] : *snapshot) {
        if (deliver(key, record)) delivered.emplace(key, record);
    }
    // Subtract what was delivered; uses appended since the snapshot (or
    // merged by a racing compaction, which keeps counts) remain.
    return rewrite(m_path, [&](Records& records) {
        for (const auto& [key, sent] : delivered) {
            auto it = records.find(key);
            if (it == records.end()) continue;
            if (it->second.uses <= sent.uses) {
                records.erase(it);
            } else {
                it->second.uses -= sent.uses;
            }
        }
        enforce_bound(records, m_max_bytes, 0);
        return true;
    });
}

cred::Result<void> UsageSpool::remove_key(const std::string& server_key) {
    if (m_path.empty()) return {};  // disabled
    return rewrite(m_path, [&](Records& records) { return records.erase(server_key) > 0; });
}

}  // namespace pat::helper
