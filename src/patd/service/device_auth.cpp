// The OAuth 2.0 device authorization grant (RFC 8628) behind
// `docker-credential-pat login`: the helper asks for a code pair, the person
// approves the user code in the console, the helper's poll then receives an
// auto-generated token. Only a keyed hash of the device code is stored; the
// token is created by the one poll that claims the approval, so its
// plaintext is never stored either.
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
// RFC 8628 §6.1: 20 consonants, no vowels (no words), no look-alikes.
constexpr std::string_view k_user_code_alphabet = "BCDFGHJKLMNPQRSTVWXZ";
constexpr std::size_t k_user_code_chars = 8;
constexpr std::size_t k_device_code_bytes = 32;
constexpr std::size_t k_max_reported = 64;
constexpr auto k_slow_down_step = std::chrono::seconds(5);
constexpr std::string_view k_default_client = "docker-credential-pat";

// What a client reports about itself is shown to a person: printable ASCII
// only, bounded, never empty.
std::string reported(std::string_view text, std::string_view fallback) {
    std::string out;
    for (const char c : text.substr(0, k_max_reported))
        out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    return out.empty() ? std::string(fallback) : out;
}

// "bcdf-ghjk", "BCDF GHJK", "BCDFGHJK" -> "BCDFGHJK"; "" when not a user code.
std::string normalise_user_code(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '-' || c == ' ') continue;
        const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (k_user_code_alphabet.find(u) == std::string_view::npos) return {};
        out.push_back(u);
    }
    return out.size() == k_user_code_chars ? out : std::string();
}

// 8 letters of the alphabet, each uniform: bytes of 240 and more are drawn
// again (240 = 12 * 20), so no letter is likelier than another.
std::string random_user_code(RandomSource& random) {
    std::string code;
    while (code.size() < k_user_code_chars) {
        for (const char b : random.bytes(k_user_code_chars)) {
            const auto v = static_cast<unsigned char>(b);
            if (v >= 240 || code.size() == k_user_code_chars) continue;
            code.push_back(k_user_code_alphabet[v % k_user_code_alphabet.size()]);
        }
    }
    return code;
}

std::string formatted(std::string_view code) {
    return std::string(code.substr(0, 4)) + "-" + std::string(code.substr(4));
}

std::string device_digest(const Keys& keys, std::string_view device_code) {
    return keys.token_digest(std::string("patd/device-code/").append(device_code));
}

Error unknown_device() {
    return not_found(
        "no sign-in request with this code; start again with "
        "docker-credential-pat login");
}
}  // namespace

SResult<DeviceGrant> TokenService::start_device_authorization(const DeviceRequest& request,
                                                              const ClientInfo& client) {
    Impl& s = *m_impl;
    if (auto r = s.check_attempt(client, ""); !r) return fail(std::move(r).error());
    DeviceAuthRecord row;
    Secret device_code(base64url_encode(s.random.bytes(k_device_code_bytes)));
    row.digest = device_digest(s.keys, device_code.reveal());
    row.client_id = reported(request.client_id, k_default_client);
    row.host_name = reported(request.host_name, "unknown host");
    row.helper_version = reported(request.helper_version, "unknown version");
    row.client_ip = client.ip;
    row.created_at = s.now();
    row.expires_at = row.created_at + s.options.device_code_ttl;
    row.interval_seconds = s.options.device_poll_interval.count();
    // A user code collides with a live one about once in 2^34 tries.
    for (int attempt = 0;; ++attempt) {
        row.user_code = random_user_code(s.random);
        auto r = s.repository->insert_device_auth(row, row.created_at);
        if (r) break;
        if (r.error().code != ErrorCode::conflict || attempt == 3)
            return fail(std::move(r).error());
    }
    return DeviceGrant{std::move(device_code), formatted(row.user_code), s.options.device_code_ttl,
                       s.options.device_poll_interval};
}

SResult<DeviceView> TokenService::find_device(const Principal& who, std::string_view user_code,
                                              const ClientInfo& client) {
    Impl& s = *m_impl;
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    // A user code has only ~34 bits: wrong guesses count like failed
    // sign-ins, so nobody can try codes until one belongs to someone
    // (RFC 8628 §5.1).
    if (auto r = s.check_attempt(client, who.username); !r) return fail(std::move(r).error());
    const std::string code = normalise_user_code(user_code);
    if (code.empty()) return fail(s.failed_attempt(client, who.username, unknown_device()));
    auto found = s.repository->find_device_auth_by_user_code(code);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value()) return fail(s.failed_attempt(client, who.username, unknown_device()));
    const DeviceAuthRecord& d = **found;
    DeviceView v{formatted(d.user_code),
                 d.host_name,
                 d.helper_version,
                 d.client_ip,
                 d.created_at,
                 d.expires_at,
                 std::string(to_string(d.status))};
    if (d.status == DeviceStatus::pending && d.expires_at <= m_impl->now()) v.status = "expired";
    return v;
}

SResult<void> TokenService::decide_device(const Principal& who, std::string_view user_code,
                                          bool approve, const ClientInfo& client) {
    // Only a code the person looked up is decided: the lookup is where
    // guesses are counted.
    auto found = find_device(who, user_code, client);
    if (!found) return fail(std::move(found).error());
    auto done = m_impl->repository->decide_device_auth(normalise_user_code(user_code),
                                                       who.account_id, approve, m_impl->now());
    if (!done) return fail(std::move(done).error());
    if (!*done)
        return fail(
            bad_request("user_code", "this sign-in request expired or was answered already"));
    return {};
}

SResult<DevicePoll> TokenService::poll_device(std::string_view device_code,
                                              const ClientInfo& client) {
    Impl& s = *m_impl;
    const std::string digest = device_digest(s.keys, device_code);
    auto found = s.repository->find_device_auth(digest);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value() || (*found)->status == DeviceStatus::issued)
        return fail(bad_request("device_code", "unknown or used device code"));
    DeviceAuthRecord d = std::move(**found);
    const Timestamp now = s.now();
    DevicePoll out;
    out.interval = std::chrono::seconds(d.interval_seconds);
    if (d.status == DeviceStatus::denied) {
        out.state = "access_denied";
        return out;
    }
    if (d.expires_at <= now) {
        out.state = "expired_token";
        return out;
    }
    if (d.last_poll && now - *d.last_poll < std::chrono::seconds(d.interval_seconds)) {
        // RFC 8628 §3.5: too fast; every later poll must wait 5 s longer.
        d.interval_seconds += k_slow_down_step.count();
        out.state = "slow_down";
        out.interval = std::chrono::seconds(d.interval_seconds);
        if (auto r = s.repository->record_device_poll(digest, now, d.interval_seconds); !r)
            return fail(std::move(r).error());
        return out;
    }
    if (auto r = s.repository->record_device_poll(digest, now, d.interval_seconds); !r)
        return fail(std::move(r).error());
    if (d.status == DeviceStatus::pending) {
        out.state = "authorization_pending";
        return out;
    }
    auto claimed = s.repository->claim_device_auth(digest);
    if (!claimed) return fail(std::move(claimed).error());
    if (!*claimed) return fail(bad_request("device_code", "unknown or used device code"));
    auto account = s.repository->find_account_by_id(d.account_id);
    if (!account) return fail(std::move(account).error());
    if (!account->has_value()) return fail(bad_request("device_code", "the account is gone"));
    TokenRecord t;
    t.label = "docker-credential-pat login on " + d.host_name;
    t.scope = TokenScope::admin;
    t.generated_by = GeneratedBy::automatic;
    ClientInfo creator = client;
    creator.client_id = d.client_id;
    auto created =
        s.insert_new_token(d.account_id, std::move(t), creator, "account:" + (*account)->username);
    if (!created) return fail(std::move(created).error());
    out.username = (*account)->username;
    out.view = std::move(created->view);
    out.token = std::move(created->token);
    return out;
}

SResult<void> TokenService::revoke_current(const BasicCredentials& credentials,
                                           const ClientInfo& client) {
    Impl& s = *m_impl;
    auto pat = s.authenticate_pat_request(credentials);
    if (!pat) return fail(std::move(pat).error());
    if (pat->token.generated_by != GeneratedBy::automatic)
        return fail(
            conflict("only an auto-generated token can delete itself; delete this one "
                     "in the console or with `docker-credential-pat tokens delete`"));
    auto deleted = s.repository->delete_token(pat->account.id, pat->token.uuid);
    if (!deleted) return fail(std::move(deleted).error());
    s.audit(audit_kind::token_deleted, pat->account.id, actor_of(pat->token), pat->token.uuid,
            client,
            {{"token_label", pat->token.label}, {"generated_by", "auto"}, {"via", "logout"}});
    return {};
}

}  // namespace pat::patd
