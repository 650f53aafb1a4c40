// Trusted OIDC issuers and trust policies: `patd oidc …` and
// /v2/oidc/issuers, /v2/oidc/policies (docs/oidc.md).
#include <algorithm>

#include "patd/oidc/claims_check.hpp"
#include "patd/oidc/fetcher.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {
namespace {

constexpr std::size_t k_max_url = 512;
constexpr std::size_t k_max_conditions = 32;
constexpr std::size_t k_max_condition_size = 512;

OidcIssuer issuer_view(const OidcIssuerRecord& r) {
    return OidcIssuer{r.uuid, r.url, r.audience, r.created_at};
}

OidcPolicy policy_view(const OidcPolicyRecord& r) {
    return OidcPolicy{r.uuid, r.username, r.issuer_url, r.claims, r.scope, r.ttl, r.created_at};
}

bool only_wildcards(std::string_view pattern) {
    return std::all_of(pattern.begin(), pattern.end(), [](char c) { return c == '*'; });
}

bool printable(std::string_view s) {
    return std::none_of(s.begin(), s.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::optional<Error> check_conditions(const std::map<std::string, std::string>& claims) {
    if (claims.empty())
        return bad_request("claims", "at least one claim condition is required (e.g. sub=…)");
    if (claims.size() > k_max_conditions)
        return bad_request("claims", "at most 32 claim conditions");
    bool narrowing = false;
    for (const auto& [claim, pattern] : claims) {
        if (claim.empty() || claim.size() > 64 || !printable(claim))
            return bad_request("claims", "claim names must be 1-64 printable characters");
        if (claim == "iss")
            return bad_request("claims", "iss is the policy's issuer; do not list it as a claim");
        if (pattern.empty() || pattern.size() > k_max_condition_size || !printable(pattern))
            return bad_request(
                "claims", "claim '" + claim + "': the value must be 1-512 printable characters");
        if (!only_wildcards(pattern)) narrowing = true;
    }
    // A policy matching every token of a public issuer would let anyone's
    // CI job in.
    if (!narrowing) return bad_request("claims", "at least one condition must be more than '*'");
    return std::nullopt;
}

SResult<void> require_issuer_admin(const TokenService::Impl& s, const Principal& who) {
    if (auto r = require_password_session(who); !r) return r;
    const auto& admins = s.options.oidc.admins;
    if (std::find(admins.begin(), admins.end(), who.username) == admins.end())
        return fail(
            forbidden("only accounts named by patd serve --oidc-admin may change trusted issuers"));
    return {};
}

SResult<OidcIssuerRecord> find_issuer(TokenService::Impl& s, std::string_view url_or_id) {
    auto all = s.repository->oidc().list_issuers();
    if (!all) return fail(std::move(all).error());
    for (auto& i : *all)
        if (i.url == url_or_id || i.uuid == url_or_id) return std::move(i);
    return fail(not_found("no trusted issuer " + std::string(url_or_id)));
}

}  // namespace

SResult<OidcIssuer> TokenService::add_oidc_issuer(std::string_view url, std::string_view audience) {
    if (url.size() > k_max_url) return fail(bad_request("issuer", "at most 512 characters"));
    if (auto bad = oidc::check_fetch_url(url)) return fail(bad_request("issuer", *bad));
    if (audience.empty()) audience = k_oidc_default_audience;
    if (audience.size() > 256 || !printable(audience))
        return fail(bad_request("audience", "must be 1-256 printable characters"));
    OidcIssuerRecord r;
    r.uuid = m_impl->new_uuid();
    r.url = std::string(url);
    r.audience = std::string(audience);
    r.created_at = m_impl->now();
    auto stored = m_impl->repository->oidc().insert_issuer(r);
    if (!stored) {
        if (stored.error().code == ErrorCode::conflict)
            return fail(conflict("the issuer " + r.url + " is trusted already"));
        return fail(std::move(stored).error());
    }
    m_impl->oidc_keys.forget(r.url);
    return issuer_view(*stored);
}

SResult<std::vector<OidcIssuer>> TokenService::list_oidc_issuers() {
    auto all = m_impl->repository->oidc().list_issuers();
    if (!all) return fail(std::move(all).error());
    std::vector<OidcIssuer> out;
    for (const auto& r : *all) out.push_back(issuer_view(r));
    return out;
}

SResult<void> TokenService::remove_oidc_issuer(std::string_view url_or_id) {
    auto issuer = find_issuer(*m_impl, url_or_id);
    if (!issuer) return fail(std::move(issuer).error());
    auto deleted = m_impl->repository->oidc().delete_issuer(issuer->id);
    if (!deleted) return fail(std::move(deleted).error());
    if (!*deleted) return fail(not_found("no trusted issuer " + std::string(url_or_id)));
    m_impl->oidc_keys.forget(issuer->url);
    return {};
}

SResult<OidcPolicy> TokenService::add_oidc_policy(const NewOidcPolicy& p) {
    auto account = m_impl->repository->find_account(p.account);
    if (!account) return fail(std::move(account).error());
    if (!account->has_value()) return fail(not_found("no account " + p.account));
    auto issuer = m_impl->repository->oidc().find_issuer(p.issuer);
    if (!issuer) return fail(std::move(issuer).error());
    if (!issuer->has_value())
        return fail(bad_request("issuer", "is not a trusted issuer (patd oidc add-issuer)"));
    if (auto e = check_conditions(p.claims)) return fail(std::move(*e));
    if (!p.scope)
        return fail(bad_request("scope", "is required (repo:read, repo:write, repo:admin)"));
    const auto scope = parse_token_scope(*p.scope);
    if (!scope || *scope == TokenScope::public_read)
        return fail(bad_request("scope", "must be repo:read, repo:write or repo:admin"));
    const auto ttl = p.ttl.value_or(k_oidc_default_ttl);
    if (ttl < k_oidc_min_ttl || ttl > k_oidc_max_ttl)
        return fail(bad_request("ttl", "must be between 10 seconds and 1 hour"));
    OidcPolicyRecord r;
    r.uuid = m_impl->new_uuid();
    r.account_id = (*account)->id;
    r.issuer_id = (*issuer)->id;
    r.username = (*account)->username;
    r.issuer_url = (*issuer)->url;
    r.claims = p.claims;
    r.scope = *scope;
    r.ttl = ttl;
    r.created_at = m_impl->now();
    auto stored = m_impl->repository->oidc().insert_policy(r);
    if (!stored) return fail(std::move(stored).error());
    return policy_view(*stored);
}

SResult<std::vector<OidcPolicy>> TokenService::list_oidc_policies(
    std::optional<std::string_view> account) {
    OidcPolicyFilter filter;
    if (account) {
        auto a = m_impl->repository->find_account(*account);
        if (!a) return fail(std::move(a).error());
        if (!a->has_value()) return fail(not_found("no account " + std::string(*account)));
        filter.account_id = (*a)->id;
    }
    auto all = m_impl->repository->oidc().list_policies(filter);
    if (!all) return fail(std::move(all).error());
    std::vector<OidcPolicy> out;
    for (const auto& r : *all) out.push_back(policy_view(r));
    return out;
}

SResult<void> TokenService::remove_oidc_policy(std::string_view id) {
    auto deleted = m_impl->repository->oidc().delete_policy(std::nullopt, id);
    if (!deleted) return fail(std::move(deleted).error());
    if (!*deleted) return fail(not_found("no trust policy " + std::string(id)));
    return {};
}

SResult<OidcIssuer> TokenService::add_oidc_issuer(const Principal& who, std::string_view url,
                                                  std::string_view audience) {
    if (auto r = require_issuer_admin(*m_impl, who); !r) return fail(std::move(r).error());
    return add_oidc_issuer(url, audience);
}

SResult<std::vector<OidcIssuer>> TokenService::list_oidc_issuers(const Principal& who) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    return list_oidc_issuers();
}

SResult<void> TokenService::remove_oidc_issuer(const Principal& who, std::string_view id) {
    if (auto r = require_issuer_admin(*m_impl, who); !r) return fail(std::move(r).error());
    return remove_oidc_issuer(id);
}

SResult<OidcPolicy> TokenService::add_oidc_policy(const Principal& who, NewOidcPolicy policy) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    policy.account = who.username;
    return add_oidc_policy(policy);
}

SResult<std::vector<OidcPolicy>> TokenService::list_oidc_policies(const Principal& who) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    return list_oidc_policies(std::optional<std::string_view>(who.username));
}

SResult<void> TokenService::remove_oidc_policy(const Principal& who, std::string_view id) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    auto deleted = m_impl->repository->oidc().delete_policy(who.account_id, id);
    if (!deleted) return fail(std::move(deleted).error());
    if (!*deleted) return fail(not_found("no trust policy " + std::string(id)));
    return {};
}

SResult<TokenPage> TokenService::list_oidc_tokens(const Principal& who, PageRequest page) {
    if (auto r = require_password_session(who); !r) return fail(std::move(r).error());
    return m_impl->token_page(page, [&](long long offset, long long limit) {
        return m_impl->repository->oidc().list_tokens(who.account_id, offset, limit);
    });
}

}  // namespace pat::patd
