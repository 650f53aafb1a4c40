// Two-factor authentication from the console: setup confirmed by a first
// code, recovery codes, disabling with password + code; and the check of a
// second factor shared by every sign-in path.
//
// Recovery codes: 10 per account, 10 characters of a-z2-7 (50 bits) shown
// as "xxxxx-xxxxx" once when 2FA is turned on. Any one of them is accepted,
// once, wherever a TOTP code is asked for (the second sign-in step, and
// disabling 2FA). Only their keyed hashes are stored.
#include <cctype>

#include "patd/crypto/totp.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
constexpr int k_recovery_codes = 10;
constexpr std::size_t k_recovery_chars = 10;
constexpr std::size_t k_totp_secret_bytes = 20;

// Lower case without '-' and spaces, when `code` has the shape of a
// recovery code; "" otherwise.
std::string normalise_recovery_code(std::string_view code) {
    std::string out;
    for (const char c : code) {
        if (c == '-' || c == ' ') continue;
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!((l >= 'a' && l <= 'z') || (l >= '2' && l <= '7'))) return {};
        out.push_back(l);
    }
    return out.size() == k_recovery_chars ? out : std::string();
}

std::string recovery_digest(const Keys& keys, std::string_view normalised) {
    return keys.token_digest(std::string("patd/recovery-code/").append(normalised));
}

SResult<AccountRecord> account_of(TokenService::Impl& s, const Principal& who) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    auto found = s.repository->find_account_by_id(who.account_id);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value()) return fail(not_found("no such account"));
    return std::move(**found);
}
}  // namespace

SResult<void> TokenService::Impl::check_second_factor(const AccountRecord& a, std::string_view code,
                                                      const ClientInfo& client) {
    if (const std::string recovery = normalise_recovery_code(code); !recovery.empty()) {
        auto used = repository->consume_recovery_code(a.id, recovery_digest(keys, recovery));
        if (!used) return fail(std::move(used).error());
        if (!*used)
            return fail(failed_attempt(
                client, a.username,
                unauthorized("invalid 2FA code", AuthReason::two_factor_code_invalid)));
        return {};
    }
    Secret key;
    if (!keys.open(a.totp_secret_sealed, key))
        return fail(internal_error("the stored 2FA secret cannot be decrypted"));
    const auto step = verify_totp(key.reveal(), code, clock.now());
    if (!step)
        return fail(
            failed_attempt(client, a.username,
                           unauthorized("invalid 2FA code", AuthReason::two_factor_code_invalid)));
    // Each code works once (RFC 6238 §5.2).
    auto fresh = repository->consume_totp_step(a.id, *step);
    if (!fresh) return fail(std::move(fresh).error());
    if (!*fresh)
        return fail(failed_attempt(
            client, a.username,
            unauthorized("2FA code already used", AuthReason::two_factor_code_reused)));
    return {};
}

SResult<TwoFactorStatus> TokenService::two_factor_status(const Principal& who) {
    auto a = account_of(*m_impl, who);
    if (!a) return fail(std::move(a).error());
    TwoFactorStatus st;
    st.enabled = a->totp_enabled;
    if (st.enabled) {
        auto n = m_impl->repository->count_recovery_codes(a->id);
        if (!n) return fail(std::move(n).error());
        st.recovery_codes_left = *n;
    }
    return st;
}

SResult<TotpSetup> TokenService::begin_2fa_setup(const Principal& who, bool keep_pending) {
    Impl& s = *m_impl;
    auto a = account_of(s, who);
    if (!a) return fail(std::move(a).error());
    if (a->totp_enabled) return fail(conflict("two-factor authentication is on already"));
    if (keep_pending) {
        auto pending = s.repository->find_pending_totp(a->id);
        if (!pending) return fail(std::move(pending).error());
        Secret key;
        if (pending->has_value() && s.keys.open(**pending, key))
            return TotpSetup{Secret(base32_encode(key.reveal())),
                             Secret(otpauth_uri(s.options.totp_issuer, a->username, key.reveal()))};
    }
    const Secret key(s.random.bytes(k_totp_secret_bytes));
    const std::string sealed = s.keys.seal(key.reveal(), s.random.bytes(Keys::k_nonce_bytes));
    if (auto r = s.repository->set_pending_totp(a->id, sealed); !r)
        return fail(std::move(r).error());
    return TotpSetup{Secret(base32_encode(key.reveal())),
                     Secret(otpauth_uri(s.options.totp_issuer, a->username, key.reveal()))};
}

SResult<std::vector<Secret>> TokenService::confirm_2fa_setup(const Principal& who,
                                                             std::string_view code,
                                                             const ClientInfo& client) {
    Impl& s = *m_impl;
    auto a = account_of(s, who);
    if (!a) return fail(std::move(a).error());
    if (a->totp_enabled) return fail(conflict("two-factor authentication is on already"));
    if (auto r = s.check_attempt(client, a->username); !r) return fail(std::move(r).error());
    auto pending = s.repository->find_pending_totp(a->id);
    if (!pending) return fail(std::move(pending).error());
    if (!pending->has_value())
        return fail(bad_request("code", "start the setup first (the QR code expired)"));
    Secret key;
    if (!s.keys.open(**pending, key))
        return fail(internal_error("the pending 2FA secret cannot be decrypted"));
    const auto step = verify_totp(key.reveal(), code, s.clock.now());
    if (!step)
        return fail(s.failed_attempt(
            client, a->username, bad_request("code", "the code does not match; try the next one")));
    std::vector<Secret> codes;
    std::vector<std::string> digests;
    static constexpr char k_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    for (int i = 0; i < k_recovery_codes; ++i) {
        const std::string raw = s.random.bytes(k_recovery_chars);
        std::string plain;
        for (const char b : raw) plain.push_back(k_alphabet[static_cast<unsigned char>(b) & 31U]);
        digests.push_back(recovery_digest(s.keys, plain));
        codes.emplace_back(plain.substr(0, 5) + "-" + plain.substr(5));
    }
    if (auto r = s.repository->replace_recovery_codes(a->id, digests); !r)
        return fail(std::move(r).error());
    if (auto r = s.repository->set_totp(a->id, true, **pending); !r)
        return fail(std::move(r).error());
    // The confirming code must not work a second time.
    (void)s.repository->consume_totp_step(a->id, *step);
    (void)s.repository->set_pending_totp(a->id, "");
    s.audit(audit_kind::two_factor_enabled, a->id, actor_of(who), "", client,
            {{"recovery_codes", k_recovery_codes}});
    return codes;
}

SResult<void> TokenService::disable_2fa_checked(const Principal& who, const Secret& password,
                                                std::string_view code, const ClientInfo& client) {
    Impl& s = *m_impl;
    auto a = account_of(s, who);
    if (!a) return fail(std::move(a).error());
    if (!a->totp_enabled) return fail(conflict("two-factor authentication is off already"));
    // authenticate_password checks and counts the attempt (account, source).
    auto checked = s.authenticate_password(a->username, password.reveal(), client);
    if (!checked) {
        if (checked.error().code != ErrorCode::unauthorized)
            return fail(std::move(checked).error());
        return fail(unauthorized("incorrect password", AuthReason::bad_credentials));
    }
    if (auto ok = s.check_second_factor(*a, code, client); !ok) return fail(std::move(ok).error());
    if (auto r = s.repository->set_totp(a->id, false, ""); !r) return fail(std::move(r).error());
    if (auto r = s.repository->replace_recovery_codes(a->id, {}); !r)
        return fail(std::move(r).error());
    s.audit(audit_kind::two_factor_disabled, a->id, actor_of(who), "", client);
    return {};
}

}  // namespace pat::patd
