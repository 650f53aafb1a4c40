#include "patd/store/postgres/pg_console.hpp"

#include <stdexcept>

namespace pat::patd::pg {

namespace {
#define PATD_PG_SELECT_DEVICE                                                                 \
    "SELECT digest, user_code, client_id, host_name, helper_version, client_ip, created_at, " \
    "expires_at, interval_s, last_poll, status, account_id FROM device_auths"

Param micros(Timestamp t) {
    return param(std::int64_t{to_micros(t)});
}

DeviceStatus parse_status(const std::string& text) {
    const auto status = device_status_from(text);
    if (!status) throw std::runtime_error("corrupt device_auths row: unknown status");
    return *status;
}

std::optional<DeviceAuthRecord> first_device(const Rows& r) {
    if (r.size() == 0) return std::nullopt;
    DeviceAuthRecord d;
    d.digest = r.bytes_at(0, 0);
    d.user_code = r.text_at(0, 1);
    d.client_id = r.text_at(0, 2);
    d.host_name = r.text_at(0, 3);
    d.helper_version = r.text_at(0, 4);
    d.client_ip = r.text_at(0, 5);
    d.created_at = from_micros(r.int_at(0, 6));
    d.expires_at = from_micros(r.int_at(0, 7));
    d.interval_seconds = r.int_at(0, 8);
    if (const auto p = r.optional_int_at(0, 9)) d.last_poll = from_micros(*p);
    d.status = parse_status(r.text_at(0, 10));
    d.account_id = r.int_at(0, 11);
    return d;
}
}  // namespace

void insert_web_session(Connection& c, const WebSessionRecord& s, Timestamp idle_cutoff,
                        Timestamp absolute_cutoff) {
    c.exec("DELETE FROM web_sessions WHERE last_seen < $1 OR created_at < $2",
           {micros(idle_cutoff), micros(absolute_cutoff)});
    c.exec(
        "INSERT INTO web_sessions (digest, account_id, created_at, last_seen, client_ip, "
        "user_agent) VALUES ($1, $2, $3, $4, $5, $6)",
        {bytes(s.digest), param(s.account_id), micros(s.created_at), micros(s.last_seen),
         param(s.client_ip), param(s.user_agent)});
}

std::optional<WebSessionRecord> find_web_session(Connection& c, std::string_view digest) {
    const Rows r = c.exec(
        "SELECT digest, account_id, created_at, last_seen, client_ip, user_agent FROM "
        "web_sessions WHERE digest = $1",
        {bytes(digest)});
    if (r.size() == 0) return std::nullopt;
    WebSessionRecord s;
    s.digest = r.bytes_at(0, 0);
    s.account_id = r.int_at(0, 1);
    s.created_at = from_micros(r.int_at(0, 2));
    s.last_seen = from_micros(r.int_at(0, 3));
    s.client_ip = r.text_at(0, 4);
    s.user_agent = r.text_at(0, 5);
    return s;
}

void touch_web_session(Connection& c, std::string_view digest, Timestamp last_seen) {
    c.exec("UPDATE web_sessions SET last_seen = GREATEST(last_seen, $1) WHERE digest = $2",
           {micros(last_seen), bytes(digest)});
}

void delete_web_session(Connection& c, std::string_view digest) {
    c.exec("DELETE FROM web_sessions WHERE digest = $1", {bytes(digest)});
}

long long delete_web_sessions(Connection& c, std::int64_t account_id) {
    return c.exec("DELETE FROM web_sessions WHERE account_id = $1", {param(account_id)}).affected();
}

void set_pending_totp(Connection& c, std::int64_t account_id, const std::string& sealed) {
    c.exec("DELETE FROM totp_pending WHERE account_id = $1", {param(account_id)});
    if (sealed.empty()) return;
    c.exec("INSERT INTO totp_pending (account_id, sealed) VALUES ($1, $2)",
           {param(account_id), bytes(sealed)});
}

std::optional<std::string> find_pending_totp(Connection& c, std::int64_t account_id) {
    const Rows r =
        c.exec("SELECT sealed FROM totp_pending WHERE account_id = $1", {param(account_id)});
    if (r.size() == 0) return std::nullopt;
    return r.bytes_at(0, 0);
}

void replace_recovery_codes(Connection& c, std::int64_t account_id,
                            const std::vector<std::string>& digests) {
    c.exec("DELETE FROM recovery_codes WHERE account_id = $1", {param(account_id)});
    for (const auto& d : digests)
        c.exec("INSERT INTO recovery_codes (account_id, digest) VALUES ($1, $2)",
               {param(account_id), bytes(d)});
}

bool consume_recovery_code(Connection& c, std::int64_t account_id, std::string_view digest) {
    return c.exec("DELETE FROM recovery_codes WHERE account_id = $1 AND digest = $2",
                  {param(account_id), bytes(digest)})
               .affected() == 1;
}

long long count_recovery_codes(Connection& c, std::int64_t account_id) {
    return c.exec("SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1", {param(account_id)})
        .int_at(0, 0);
}

void insert_device_auth(Connection& c, const DeviceAuthRecord& d, Timestamp purge_before) {
    c.exec("DELETE FROM device_auths WHERE expires_at < $1", {micros(purge_before)});
    std::optional<std::int64_t> last_poll;
    if (d.last_poll) last_poll = to_micros(*d.last_poll);
    c.exec(
        "INSERT INTO device_auths (digest, user_code, client_id, host_name, helper_version, "
        "client_ip, created_at, expires_at, interval_s, last_poll, status, account_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {bytes(d.digest), param(d.user_code), param(d.client_id), param(d.host_name),
         param(d.helper_version), param(d.client_ip), micros(d.created_at), micros(d.expires_at),
         param(d.interval_seconds), param(last_poll), param(to_string(d.status)),
         param(d.account_id)});
}

std::optional<DeviceAuthRecord> find_device_auth(Connection& c, std::string_view digest) {
    return first_device(c.exec(PATD_PG_SELECT_DEVICE " WHERE digest = $1", {bytes(digest)}));
}

std::optional<DeviceAuthRecord> find_device_auth_by_user_code(Connection& c,
                                                              std::string_view user_code) {
    return first_device(c.exec(PATD_PG_SELECT_DEVICE " WHERE user_code = $1", {param(user_code)}));
}

void record_device_poll(Connection& c, std::string_view digest, Timestamp at,
                        std::int64_t interval_seconds) {
    c.exec("UPDATE device_auths SET last_poll = $1, interval_s = $2 WHERE digest = $3",
           {micros(at), param(interval_seconds), bytes(digest)});
}

bool decide_device_auth(Connection& c, std::string_view user_code, std::int64_t account_id,
                        bool approve, Timestamp now) {
    return c.exec(
                "UPDATE device_auths SET status = $1, account_id = $2 WHERE user_code = $3 AND "
                "status = 'pending' AND expires_at > $4",
                {param(std::string_view(approve ? "approved" : "denied")), param(account_id),
                 param(user_code), micros(now)})
               .affected() == 1;
}

bool claim_device_auth(Connection& c, std::string_view digest) {
    return c.exec(
                "UPDATE device_auths SET status = 'issued' WHERE digest = $1 AND "
                "status = 'approved'",
                {bytes(digest)})
               .affected() == 1;
}

}  // namespace pat::patd::pg
