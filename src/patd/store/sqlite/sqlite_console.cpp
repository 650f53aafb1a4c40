#include "patd/store/sqlite/sqlite_console.hpp"

#include <stdexcept>

namespace pat::patd::sqlite {

namespace {
#define PATD_SELECT_WEB_SESSION \
    "SELECT digest, account_id, created_at, last_seen, client_ip, user_agent FROM web_sessions"
#define PATD_SELECT_DEVICE                                                                    \
    "SELECT digest, user_code, client_id, host_name, helper_version, client_ip, created_at, " \
    "expires_at, interval_s, last_poll, status, account_id FROM device_auths"

std::int64_t micros(Timestamp t) {
    return to_micros(t);
}

DeviceStatus parse_status(const std::string& text) {
    const auto status = device_status_from(text);
    if (!status) throw std::runtime_error("corrupt device_auths row: unknown status");
    return *status;
}

DeviceAuthRecord device_from(const Statement& s) {
    DeviceAuthRecord d;
    d.digest = s.blob_at(0);
    d.user_code = s.text_at(1);
    d.client_id = s.text_at(2);
    d.host_name = s.text_at(3);
    d.helper_version = s.text_at(4);
    d.client_ip = s.text_at(5);
    d.created_at = from_micros(s.int_at(6));
    d.expires_at = from_micros(s.int_at(7));
    d.interval_seconds = s.int_at(8);
    if (const auto p = s.optional_int_at(9)) d.last_poll = from_micros(*p);
    d.status = parse_status(s.text_at(10));
    d.account_id = s.int_at(11);
    return d;
}
}  // namespace

void insert_web_session(Connection& c, const WebSessionRecord& s, Timestamp idle_cutoff,
                        Timestamp absolute_cutoff) {
    c.prepare("DELETE FROM web_sessions WHERE last_seen < ? OR created_at < ?")
        .bind(1, micros(idle_cutoff))
        .bind(2, micros(absolute_cutoff))
        .run();
    c.prepare(
         "INSERT INTO web_sessions (digest, account_id, created_at, last_seen, client_ip, "
         "user_agent) VALUES (?, ?, ?, ?, ?, ?)")
        .bind_blob(1, s.digest)
        .bind(2, s.account_id)
        .bind(3, micros(s.created_at))
        .bind(4, micros(s.last_seen))
        .bind(5, s.client_ip)
        .bind(6, s.user_agent)
        .run();
}

std::optional<WebSessionRecord> find_web_session(Connection& c, std::string_view digest) {
    auto s = c.prepare(PATD_SELECT_WEB_SESSION " WHERE digest = ?");
    s.bind_blob(1, digest);
    if (!s.step()) return std::nullopt;
    WebSessionRecord r;
    r.digest = s.blob_at(0);
    r.account_id = s.int_at(1);
    r.created_at = from_micros(s.int_at(2));
    r.last_seen = from_micros(s.int_at(3));
    r.client_ip = s.text_at(4);
    r.user_agent = s.text_at(5);
    return r;
}

void touch_web_session(Connection& c, std::string_view digest, Timestamp last_seen) {
    c.prepare("UPDATE web_sessions SET last_seen = MAX(last_seen, ?) WHERE digest = ?")
        .bind(1, micros(last_seen))
        .bind_blob(2, digest)
        .run();
}

void delete_web_session(Connection& c, std::string_view digest) {
    c.prepare("DELETE FROM web_sessions WHERE digest = ?").bind_blob(1, digest).run();
}

long long delete_web_sessions(Connection& c, std::int64_t account_id) {
    c.prepare("DELETE FROM web_sessions WHERE account_id = ?").bind(1, account_id).run();
    return c.changes();
}

void set_pending_totp(Connection& c, std::int64_t account_id, const std::string& sealed) {
    c.prepare("DELETE FROM totp_pending WHERE account_id = ?").bind(1, account_id).run();
    if (sealed.empty()) return;
    c.prepare("INSERT INTO totp_pending (account_id, sealed) VALUES (?, ?)")
        .bind(1, account_id)
        .bind_blob(2, sealed)
        .run();
}

std::optional<std::string> find_pending_totp(Connection& c, std::int64_t account_id) {
    auto s = c.prepare("SELECT sealed FROM totp_pending WHERE account_id = ?");
    s.bind(1, account_id);
    if (!s.step()) return std::nullopt;
    return s.blob_at(0);
}

void replace_recovery_codes(Connection& c, std::int64_t account_id,
                            const std::vector<std::string>& digests) {
    c.prepare("DELETE FROM recovery_codes WHERE account_id = ?").bind(1, account_id).run();
    for (const auto& d : digests)
        c.prepare("INSERT INTO recovery_codes (account_id, digest) VALUES (?, ?)")
            .bind(1, account_id)
            .bind_blob(2, d)
            .run();
}

bool consume_recovery_code(Connection& c, std::int64_t account_id, std::string_view digest) {
    c.prepare("DELETE FROM recovery_codes WHERE account_id = ? AND digest = ?")
        .bind(1, account_id)
        .bind_blob(2, digest)
        .run();
    return c.changes() == 1;
}

long long count_recovery_codes(Connection& c, std::int64_t account_id) {
    auto s = c.prepare("SELECT COUNT(*) FROM recovery_codes WHERE account_id = ?");
    s.bind(1, account_id);
    return s.step() ? s.int_at(0) : 0;
}

void insert_device_auth(Connection& c, const DeviceAuthRecord& d, Timestamp purge_before) {
    c.prepare("DELETE FROM device_auths WHERE expires_at < ?").bind(1, micros(purge_before)).run();
    std::optional<std::int64_t> last_poll;
    if (d.last_poll) last_poll = micros(*d.last_poll);
    c.prepare(
         "INSERT INTO device_auths (digest, user_code, client_id, host_name, helper_version, "
         "client_ip, created_at, expires_at, interval_s, last_poll, status, account_id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind_blob(1, d.digest)
        .bind(2, d.user_code)
        .bind(3, d.client_id)
        .bind(4, d.host_name)
        .bind(5, d.helper_version)
        .bind(6, d.client_ip)
        .bind(7, micros(d.created_at))
        .bind(8, micros(d.expires_at))
        .bind(9, d.interval_seconds)
        .bind(10, last_poll)
        .bind(11, to_string(d.status))
        .bind(12, d.account_id)
        .run();
}

std::optional<DeviceAuthRecord> find_device_auth(Connection& c, std::string_view digest) {
    auto s = c.prepare(PATD_SELECT_DEVICE " WHERE digest = ?");
    s.bind_blob(1, digest);
    if (!s.step()) return std::nullopt;
    return device_from(s);
}

std::optional<DeviceAuthRecord> find_device_auth_by_user_code(Connection& c,
                                                              std::string_view user_code) {
    auto s = c.prepare(PATD_SELECT_DEVICE " WHERE user_code = ?");
    s.bind(1, user_code);
    if (!s.step()) return std::nullopt;
    return device_from(s);
}

void record_device_poll(Connection& c, std::string_view digest, Timestamp at,
                        std::int64_t interval_seconds) {
    c.prepare("UPDATE device_auths SET last_poll = ?, interval_s = ? WHERE digest = ?")
        .bind(1, micros(at))
        .bind(2, interval_seconds)
        .bind_blob(3, digest)
        .run();
}

bool decide_device_auth(Connection& c, std::string_view user_code, std::int64_t account_id,
                        bool approve, Timestamp now) {
    c.prepare(
         "UPDATE device_auths SET status = ?, account_id = ? WHERE user_code = ? AND "
         "status = 'pending' AND expires_at > ?")
        .bind(1, approve ? std::string_view("approved") : std::string_view("denied"))
        .bind(2, account_id)
        .bind(3, user_code)
        .bind(4, micros(now))
        .run();
    return c.changes() == 1;
}

bool claim_device_auth(Connection& c, std::string_view digest) {
    c.prepare("UPDATE device_auths SET status = 'issued' WHERE digest = ? AND status = 'approved'")
        .bind_blob(1, digest)
        .run();
    return c.changes() == 1;
}

}  // namespace pat::patd::sqlite
