// POST /v2/oidc/token: a CI job's OpenID Connect ID token exchanged for a
// short-lived PAT (RFC 8693 shape), revocation of such a token by itself,
// and the sweep that deletes them after expiry (docs/oidc.md).
#include <algorithm>
#include <set>

#include "common/log.hpp"
#include "patd/crypto/hmac.hpp"
#include "patd/crypto/token_format.hpp"
#include "patd/oidc/claims_check.hpp"
#include "patd/oidc/id_token.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {
namespace {

using nlohmann::json;

// A value the client chose, made safe and short for a message or the log.
std::string shown(std::string_view text, std::size_t max = 200) {
    std::string out;
    for (const char c : text.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
    }
    if (text.size() > max) out += "...";
    return out;
}

std::string string_claim(const json& claims, const char* name) {
    const auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One structured line per exchange: the record the audit log will keep.
// JSON-quoted values, so nothing a token says can break the line.
void log_exchange(std::string_view result, std::string_view check, const json& claims,
                  const ClientInfo& client, const std::string& extra) {
    auto q = [](const std::string& v) {
        return json(v).dump(-1, ' ', true, json::error_handler_t::replace);
    };
    std::string line = "oidc exchange result=";
    line.append(result);
    if (!check.empty()) line.append(" check=").append(check);
    line.append(" iss=").append(q(string_claim(claims, "iss")));
    line.append(" sub=").append(q(string_claim(claims, "sub")));
    line.append(" jti=").append(q(string_claim(claims, "jti")));
    line.append(" client=").append(client.ip);
    line.append(extra);
    log::info(line);
}

// "OIDC <sub>", printable ASCII, within the 100-character label limit.
std::string label_for(const json& claims) {
    std::string sub = string_claim(claims, "sub");
    if (sub.empty()) sub = "(no sub)";
    return shown("OIDC " + sub, 96);
}

// The job's identity as the audit log names it: the same text as the label
// of the token it gets, so the exchange and the token's uses share an actor.
std::string job_actor(const json& claims) {
    return "oidc:" + label_for(claims).substr(5);
}

// The claims every exchange event records (never the ID token itself).
json identity_detail(const json& claims) {
    json out = json::object();
    for (const char* name : {"iss", "sub", "jti"}) out[name] = shown(string_claim(claims, name));
    if (const auto aud = claims.find("aud"); aud != claims.end()) out["aud"] = *aud;
    return out;
}

// A refused exchange in the audit log: under no account (the refusal may come
// before any policy names one), with the failed check.
void audit_refusal(TokenService::Impl& s, std::string_view check, const std::string& why,
                   const json& claims, const ClientInfo& client) {
    json detail = identity_detail(claims);
    detail["check"] = check;
    detail["reason"] = why;
    s.audit(audit_kind::oidc_exchange_refused, 0, claims.empty() ? "unknown" : job_actor(claims),
            "", client, detail);
}

Timestamp numeric_time(const json& claims, const char* name) {
    const double v = claims.at(name).get<double>();
    return from_micros(static_cast<long long>(v) * 1'000'000);
}

}  // namespace

SResult<OidcExchangeResult> TokenService::exchange_oidc_token(const OidcExchangeRequest& req) {
    auto& s = *m_impl;
    if (auto r = s.check_attempt(req.client, ""); !r) return fail(std::move(r).error());
    if (req.grant_type != k_grant_token_exchange)
        return fail(bad_request("grant_type", "must be " + std::string(k_grant_token_exchange)));
    if (req.subject_token_type != k_token_type_id_token &&
        req.subject_token_type != k_token_type_jwt)
        return fail(
            bad_request("subject_token_type", "must be " + std::string(k_token_type_id_token)));
    if (req.subject_token.reveal().empty())
        return fail(bad_request("subject_token", "is required (the CI job's ID token)"));

    json claims = json::object();
    const auto refuse = [&](std::string_view check, const std::string& why) {
        log_exchange("refused", check, claims, req.client, " reason=" + json(why).dump());
        audit_refusal(s, check, why, claims, req.client);
        return fail(s.failed_attempt(
            req.client, "",
            unauthorized("id token refused: " + why, AuthReason::id_token_refused)));
    };
    auto decoded = oidc::decode_id_token(req.subject_token.reveal());
    if (!decoded) return refuse("format", "it " + decoded.error());
    claims = decoded->claims;
    const auto alg = oidc::parse_alg(decoded->alg);
    if (!alg)
        return refuse("alg", "algorithm '" + shown(decoded->alg, 20) +
                                 "' is not accepted (only RS256 and ES256)");
    if (decoded->kid.empty() || decoded->kid.size() > 128)
        return refuse("kid", "its header has no kid (or one over 128 characters)");
    const std::string iss = string_claim(claims, "iss");
    if (iss.empty()) return refuse("iss", "it has no iss claim");
    auto issuer = s.repository->oidc().find_issuer(iss);
    if (!issuer) return fail(std::move(issuer).error());
    if (!issuer->has_value()) return refuse("iss", "issuer '" + shown(iss) + "' is not trusted");
    const OidcIssuerRecord& trusted = **issuer;

    auto key = s.oidc_keys.find(trusted.url, decoded->kid);
    if (!key && key.error().unavailable) {
        log_exchange("unavailable", "jwks", claims, req.client,
                     " reason=" + json(key.error().message).dump());
        audit_refusal(s, "jwks", "the issuer's keys cannot be fetched: " + key.error().message,
                      claims, req.client);
        return fail(unavailable("cannot check the id token now: " + key.error().message));
    }
    if (!key) return refuse("kid", shown(key.error().message));
    if (!oidc::verify_signature(*decoded, *key))
        return refuse("signature", "the signature does not verify with the issuer's key");
    if (auto bad = oidc::check_issuer(claims, trusted.url)) return refuse("iss", "it " + *bad);
    if (auto bad = oidc::check_audience(claims, trusted.audience))
        return refuse("aud", "its " + *bad);
    if (auto bad = oidc::check_times(claims, s.clock.now())) return refuse("time", "it " + *bad);
    if (auto bad = oidc::check_jti(claims)) return refuse("jti", "it " + *bad);

    OidcPolicyFilter by_issuer;
    by_issuer.issuer_id = trusted.id;
    auto policies = s.repository->oidc().list_policies(by_issuer);
    if (!policies) return fail(std::move(policies).error());
    std::vector<const OidcPolicyRecord*> matching;
    std::string misses;
    for (const auto& p : *policies) {
        if (!req.account.empty() && p.username != req.account) continue;
        if (const auto miss = oidc::first_unmatched(p.claims, claims))
            misses += " " + p.uuid + ":" + shown(*miss, 64);
        else
            matching.push_back(&p);
    }
    if (matching.empty()) {
        // The reply does not say which claims missed: anyone with an account
        // at a public issuer could map out the policies otherwise. The log does.
        log_exchange("refused", "policy", claims, req.client,
                     " unmatched=" + json(misses.empty() ? " none" : misses).dump());
        audit_refusal(s, "policy",
                      "no trust policy matches its claims (unmatched:" +
                          (misses.empty() ? std::string(" none") : misses) + ")",
                      claims, req.client);
        return fail(
            s.failed_attempt(req.client, "",
                             unauthorized("id token refused: no trust policy matches its claims",
                                          AuthReason::id_token_refused)));
    }
    std::set<std::string> accounts;
    for (const auto* p : matching) accounts.insert(p->username);
    if (accounts.size() > 1) {
        std::string names;
        for (const auto& a : accounts) names += (names.empty() ? "" : ", ") + a;
        return refuse("policy", "its claims match trust policies of several accounts (" + names +
                                    "); name one with account=");
    }
    // The widest grant among the matching policies of that account.
    const OidcPolicyRecord& policy =
        **std::max_element(matching.begin(), matching.end(), [](const auto* a, const auto* b) {
            return std::pair(a->scope, a->ttl) < std::pair(b->scope, b->ttl);
        });
    TokenScope scope = policy.scope;
    if (!req.scope.empty()) {
        const auto asked = parse_token_scope(req.scope);
        if (!asked)
            return fail(bad_request("scope", "must be one of repo:read, repo:write, repo:admin"));
        if (*asked > policy.scope) {
            // Not a bad token: the job asked for too much (invalid_scope).
            const std::string why = std::string(to_string(*asked)) +
                                    " is more than the trust policy grants (" +
                                    std::string(to_string(policy.scope)) + ")";
            log_exchange("refused", "scope", claims, req.client, " reason=" + json(why).dump());
            audit_refusal(s, "scope", why, claims, req.client);
            return fail(bad_request("scope", why));
        }
        scope = *asked;
    }
    const Timestamp now = s.now();
    const Timestamp jti_until =
        numeric_time(claims, "exp") +
        std::chrono::duration_cast<std::chrono::microseconds>(oidc::k_clock_skew);
    TokenRecord t;
    t.label = label_for(claims);
    t.scope = scope;
    t.generated_by = GeneratedBy::oidc;
    t.expires_at = now + std::chrono::duration_cast<std::chrono::microseconds>(policy.ttl);
    ClientInfo client = req.client;
    if (client.client_id.empty()) client.client_id = "oidc";
    Secret secret = s.fill_new_token(policy.account_id, t, client);
    json detail = identity_detail(claims);
    detail["policy"] = policy.uuid;
    json matched = json::object();
    for (const auto& [name, pattern] : policy.claims)
        if (const auto it = claims.find(name); it != claims.end()) matched[name] = *it;
    detail["matched"] = std::move(matched);
    detail["scope"] = to_string(scope);
    detail["expires_at"] = format_rfc3339(*t.expires_at);
    const AuditEventRecord event = s.audit_event(audit_kind::oidc_exchange, policy.account_id,
                                                 job_actor(claims), t.uuid, req.client, detail);
    // One transaction: the jti is burnt exactly when the token exists, and
    // the exchange is in the audit log exactly then too (one commit instead
    // of two: docs/oidc.md "Cost").
    auto stored = s.repository->oidc().issue_token(trusted.id, string_claim(claims, "jti"),
                                                   jti_until, now, t, event);
    if (!stored) return fail(std::move(stored).error());
    if (!*stored) return refuse("replay", "its jti was used before (a replayed token)");
    ++s.tokens_created;
    auto created = CreatedToken{s.view_of(**stored), std::move(secret)};
    if (log::level() <= log::Level::info)  // the line is long: build it only to write it
        log_exchange("issued", "", claims, req.client,
                     " account=" + policy.username + " policy=" + policy.uuid +
                         " token=" + created.view.uuid + " scope=" + std::string(to_string(scope)) +
                         " expires_at=" + format_rfc3339(*created.view.expires_at) +
                         " claims=" + claims.dump(-1, ' ', true, json::error_handler_t::replace));
    return OidcExchangeResult{std::move(created), policy.username, policy.uuid};
}

SResult<void> TokenService::revoke_oidc_token(const Secret& token, const ClientInfo& client) {
    auto& s = *m_impl;
    if (auto r = s.check_attempt(client, ""); !r) return fail(std::move(r).error());
    // RFC 7009 §2.2: an invalid token is not an error, there is nothing to revoke.
    if (!is_well_formed_token(s.options.token_prefix, token.reveal())) return {};
    const std::string digest = s.keys.token_digest(token.reveal());
    auto found = s.repository->find_token_by_digest(digest);
    if (!found) return fail(std::move(found).error());
    if (!found->has_value() || !constant_time_equal((*found)->digest, digest)) return {};
    if ((*found)->generated_by != GeneratedBy::oidc)
        return fail(bad_request("token",
                                "only tokens from the OIDC exchange revoke themselves; delete "
                                "other tokens with DELETE /v2/access-tokens/{uuid}"));
    auto deleted = s.repository->delete_token((*found)->account_id, (*found)->uuid);
    if (!deleted) return fail(std::move(deleted).error());
    log::info("oidc revoke token=" + (*found)->uuid + " client=" + client.ip);
    s.audit(audit_kind::token_deleted, (*found)->account_id, actor_of(**found), (*found)->uuid,
            client,
            {{"token_label", (*found)->label}, {"generated_by", "oidc"}, {"via", "revoke"}});
    return {};
}

void TokenService::sweep_expired() {
    auto& s = *m_impl;
    const Timestamp now = s.now();
    {
        std::lock_guard lock(s.sweep_mutex);
        if (now - s.last_sweep < s.options.oidc.sweep_interval) return;
        s.last_sweep = now;
    }
    // Before the expired oidc tokens go: their expiry is recorded too.
    if (auto n = s.repository->audit().record_expirations(now); !n)
        log::warn("audit: cannot record expirations: " + n.error().message);
    const auto retention =
        std::chrono::duration_cast<std::chrono::microseconds>(s.options.audit_retention);
    if (retention.count() > 0) {
        if (auto n = s.repository->audit().prune(now - retention); !n)
            log::warn("audit: cannot prune old events: " + n.error().message);
        else if (*n > 0)
            log::info("audit: pruned " + std::to_string(*n) + " events older than the retention");
    }
    auto deleted = s.repository->oidc().delete_expired(now);
    if (!deleted)
        log::warn("oidc sweep: " + deleted.error().message);
    else if (*deleted > 0)
        log::info("oidc sweep deleted=" + std::to_string(*deleted) + " expired tokens");
}

}  // namespace pat::patd
