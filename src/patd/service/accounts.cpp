// Accounts and their 2FA setting (the `patd user ...` commands).
#include "patd/crypto/password.hpp"
#include "patd/crypto/totp.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
constexpr std::size_t k_totp_secret_bytes = 20;  // 160 bits, RFC 4226 recommendation

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

AccountInfo info_of(const AccountRecord& a) {
    return {a.username, a.created_at, a.totp_enabled};
}
}  // namespace

// Lower case, so repository names fit.
bool valid_username(std::string_view name) {
    if (name.size() < 2 || name.size() > 64) return false;
    if (!is_alnum(name.front()) || !is_alnum(name.back())) return false;
    for (const char c : name)
        if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

SResult<AccountInfo> TokenService::create_account(std::string_view username,
                                                  const Secret& password) {
    if (!valid_username(username))
        return fail(bad_request("username",
                                "2-64 characters of a-z, 0-9, '.', '_', '-', starting and ending "
                                "with a letter or digit"));
    if (password.size() < 8 || password.size() > 1024)
        return fail(bad_request("password", "must be 8-1024 bytes long"));
    AccountRecord a;
    a.username = std::string(username);
    {
        PasswordGate gate(m_impl->password_gate);
        a.password_hash = hash_password(password.reveal(), m_impl->options.password_cost);
    }
    a.created_at = m_impl->now();
    auto created = m_impl->repository->create_account(a);
    if (!created) {
        if (created.error().code == ErrorCode::conflict)
            return fail(conflict("account " + a.username + " already exists"));
        return fail(std::move(created).error());
    }
    return info_of(*created);
}

SResult<std::vector<AccountInfo>> TokenService::list_accounts() {
    auto all = m_impl->repository->list_accounts();
    if (!all) return fail(std::move(all).error());
    std::vector<AccountInfo> out;
    out.reserve(all->size());
    for (const auto& a : *all) out.push_back(info_of(a));
    return out;
}

SResult<Secret> TokenService::enable_2fa(std::string_view username) {
    Impl& s = *m_impl;
    auto found = s.repository->find_account(username);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value()) return fail(not_found("no account " + std::string(username)));
    const Secret key(s.random.bytes(k_totp_secret_bytes));
    const std::string sealed = s.keys.seal(key.reveal(), s.random.bytes(Keys::k_nonce_bytes));
    if (auto r = s.repository->set_totp((*found)->id, true, sealed); !r)
        return fail(std::move(r).error());
    // Recovery codes belong to the secret they were made with.
    if (auto r = s.repository->replace_recovery_codes((*found)->id, {}); !r)
        return fail(std::move(r).error());
    s.audit(audit_kind::two_factor_enabled, (*found)->id, "admin", "", ClientInfo{},
            {{"via", "patd user 2fa"}});
    return Secret(otpauth_uri(s.options.totp_issuer, username, key.reveal()));
}

SResult<void> TokenService::disable_2fa(std::string_view username) {
    auto found = m_impl->repository->find_account(username);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value()) return fail(not_found("no account " + std::string(username)));
    if (auto r = m_impl->repository->set_totp((*found)->id, false, ""); !r)
        return fail(std::move(r).error());
    if (auto r = m_impl->repository->replace_recovery_codes((*found)->id, {}); !r)
        return fail(std::move(r).error());
    m_impl->audit(audit_kind::two_factor_disabled, (*found)->id, "admin", "", ClientInfo{},
                  {{"via", "patd user 2fa"}});
    return {};
}

}  // namespace pat::patd
