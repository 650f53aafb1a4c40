// The registry token endpoint's decision: who is asking, and which of the
// requested actions they get (docs/patd-core.md "Registry grants").
#include <algorithm>

#include "patd/domain/repository_name.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

namespace {
// Actions we ever grant on a repository, in JWT order.
const std::vector<std::string> k_repository_actions = {"pull", "push", "delete"};

// What a caller may do on one repository name, before intersecting with the
// request. `scope` is nullopt for anonymous callers.
std::vector<std::string> allowed_actions(const ServiceOptions& options, std::string_view username,
                                         std::optional<TokenScope> scope, std::string_view name) {
    std::vector<std::string> allowed;
    const auto slash = name.find('/');
    const std::string_view first = name.substr(0, slash);
    const bool is_public =
        slash != std::string_view::npos &&
        std::find(options.public_namespaces.begin(), options.public_namespaces.end(), first) !=
            options.public_namespaces.end();
    if (is_public) allowed.emplace_back("pull");  // anyone, also public_read tokens
    const bool owns = scope && !username.empty() && slash != std::string_view::npos &&
                      first == username && slash + 1 < name.size();
    // repo:public_read reaches public repositories only, not the own namespace.
    if (owns && *scope != TokenScope::public_read)
        for (auto& a : scope_actions(*scope))
            if (std::find(allowed.begin(), allowed.end(), a) == allowed.end())
                allowed.push_back(std::move(a));
    return allowed;
}

void add_grant(std::vector<GrantedAccess>& grants, const ResourceScope& requested,
               const std::vector<std::string>& allowed) {
    // "*" asks for everything; we answer with the explicit actions allowed.
    const bool wildcard = std::find(requested.actions.begin(), requested.actions.end(), "*") !=
                          requested.actions.end();
    auto it = std::find_if(grants.begin(), grants.end(), [&](const GrantedAccess& g) {
        return g.type == requested.type && g.resource_class == requested.resource_class &&
               g.name == requested.name;
    });
    std::vector<std::string> actions =
        it == grants.end() ? std::vector<std::string>{} : it->actions;
    for (const auto& a : k_repository_actions) {
        const bool asked = wildcard || std::find(requested.actions.begin(), requested.actions.end(),
                                                 a) != requested.actions.end();
        const bool ok = std::find(allowed.begin(), allowed.end(), a) != allowed.end();
        if (asked && ok && std::find(actions.begin(), actions.end(), a) == actions.end())
            actions.push_back(a);
    }
    if (actions.empty()) return;
    // Keep pull, push, delete order even after merging two requests.
    std::vector<std::string> ordered;
    for (const auto& a : k_repository_actions)
        if (std::find(actions.begin(), actions.end(), a) != actions.end()) ordered.push_back(a);
    if (it != grants.end()) {
        it->actions = std::move(ordered);
    } else {
        grants.push_back(
            {requested.type, requested.resource_class, requested.name, std::move(ordered)});
    }
}
}  // namespace

SResult<Grant> TokenService::registry_grant(const GrantRequest& request) {
    Impl& s = *m_impl;
    std::vector<ResourceScope> requested;
    for (const auto& text : request.scopes) {
        auto parsed = parse_resource_scopes(text);
        if (!parsed) return fail(bad_request("scope", "malformed scope"));
        requested.insert(requested.end(), parsed->begin(), parsed->end());
    }

    Grant grant;
    std::optional<TokenScope> scope;
    std::optional<TokenRecord> used_token;
    if (request.credentials) {
        const auto& c = *request.credentials;
        if (s.meant_as_pat(c.secret.reveal())) {
            // Never rate limited, so nobody can lock a PAT out (rate_limiter.hpp).
            auto pat = s.authenticate_pat(c.username, c.secret.reveal());
            if (!pat) {
                if (pat.error().code != ErrorCode::unauthorized)
                    return fail(std::move(pat).error());
                return fail(s.failed_unguessable(std::move(pat).error()));
            }
            scope = pat->token.scope;
            used_token = pat->token;
            grant.not_after = pat->token.expires_at;
        } else {
            auto account = s.authenticate_password(c.username, c.secret.reveal(), request.client);
            if (!account) {
                if (account.error().code == ErrorCode::unauthorized)
                    s.audit_failed_signin(c.username, request.client, "/token", "bad_credentials");
                return fail(std::move(account).error());
            }
            // With 2FA on, the CLI must use a PAT (docker prints our text).
            if (account->totp_enabled) return fail(use_pat());
            scope = TokenScope::admin;
        }
        grant.subject = c.username;
    }

    for (const auto& r : requested) {
        // Only repositories are granted; registry:catalog:* never is (it
        // would list every account's repositories).
        if (r.type != "repository") continue;
        // A name the registry grammar rejects gets nothing: "alice/../bob"
        // or "alice/x:tag" must not pass as alice's namespace.
        if (!is_valid_repository_name(r.name)) continue;
        add_grant(grant.access, r, allowed_actions(s.options, grant.subject, scope, r.name));
    }
    if (used_token) {
        s.last_used.record(used_token->id, s.now());
        s.audit_token_use(*used_token, request.client, "/token");
    }
    ++s.grants;
    return grant;
}

}  // namespace pat::patd
