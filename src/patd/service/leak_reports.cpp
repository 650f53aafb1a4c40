// POST /v2/credentials/revoke: anyone who finds a leaked token (a secret
// scanner, a colleague) reports it and patd deactivates it
// (docs/patd-api.md "Leaked tokens"). Unauthenticated, so: every
// request counts against the client's source like a failed sign-in, a string
// whose checksum is wrong costs no database work, and nothing in the reply,
// the metrics or the timing of a malformed string tells whether a string
// matched.
#include "common/log.hpp"
#include "patd/crypto/hmac.hpp"
#include "patd/crypto/token_format.hpp"
#include "patd/domain/ip_address.hpp"
#include "patd/service/service_impl.hpp"

namespace pat::patd {

SResult<void> TokenService::revoke_leaked(const std::vector<Secret>& tokens,
                                          const ClientInfo& client) {
    Impl& s = *m_impl;
    if (auto r = s.check_attempt(client, ""); !r) return fail(std::move(r).error());
    // One failure per request, against the source only: a report is as good
    // a guess at a token as a login, so it gets the same budget.
    s.limiter->record_failure("", source_key(client.ip));
    for (const auto& token : tokens) {
        if (!is_well_formed_token(s.options.token_prefix, token.reveal())) {
            ++s.leak_reports_malformed;
            continue;
        }
        ++s.leak_reports_checked;
        const std::string digest = s.keys.token_digest(token.reveal());
        auto found = s.repository->find_token_by_digest(digest);
        if (!found) return fail(std::move(found).error());
        if (!found->has_value() || !constant_time_equal((*found)->digest, digest)) continue;
        const TokenRecord& t = **found;
        if (!t.is_active) continue;
        TokenPatch patch;
        patch.is_active = false;
        auto updated = s.repository->update_token(t.account_id, t.uuid, patch);
        if (!updated) return fail(std::move(updated).error());
        log::info("leaked token reported and deactivated token=" + t.uuid + " client=" + client.ip);
        s.audit(audit_kind::token_deactivated, t.account_id, "leak-report", t.uuid, client,
                {{"token_label", t.label}, {"via", "leak-report"}});
    }
    return {};
}

}  // namespace pat::patd
