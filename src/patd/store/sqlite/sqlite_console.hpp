#pragma once
// The SQLite statements behind the console's part of the Repository: web
// sessions, 2FA setup and recovery codes, device authorizations. Each
// function runs inside the caller's connection (and transaction, if any).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "patd/store/repository.hpp"
#include "patd/store/sqlite/sqlite_db.hpp"

namespace pat::patd::sqlite {

void insert_web_session(Connection& c, const WebSessionRecord& s, Timestamp idle_cutoff,
                        Timestamp absolute_cutoff);
std::optional<WebSessionRecord> find_web_session(Connection& c, std::string_view digest);
void touch_web_session(Connection& c, std::string_view digest, Timestamp last_seen);
void delete_web_session(Connection& c, std::string_view digest);
long long delete_web_sessions(Connection& c, std::int64_t account_id);

void set_pending_totp(Connection& c, std::int64_t account_id, const std::string& sealed);
std::optional<std::string> find_pending_totp(Connection& c, std::int64_t account_id);
void replace_recovery_codes(Connection& c, std::int64_t account_id,
                            const std::vector<std::string>& digests);
bool consume_recovery_code(Connection& c, std::int64_t account_id, std::string_view digest);
long long count_recovery_codes(Connection& c, std::int64_t account_id);

void insert_device_auth(Connection& c, const DeviceAuthRecord& d, Timestamp purge_before);
std::optional<DeviceAuthRecord> find_device_auth(Connection& c, std::string_view digest);
std::optional<DeviceAuthRecord> find_device_auth_by_user_code(Connection& c,
                                                              std::string_view user_code);
void record_device_poll(Connection& c, std::string_view digest, Timestamp at,
                        std::int64_t interval_seconds);
bool decide_device_auth(Connection& c, std::string_view user_code, std::int64_t account_id,
                        bool approve, Timestamp now);
bool claim_device_auth(Connection& c, std::string_view digest);

}  // namespace pat::patd::sqlite
