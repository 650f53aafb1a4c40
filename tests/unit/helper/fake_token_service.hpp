#pragma once
// A scripted TokenService for the lifecycle unit tests: answers from a
// table of secrets, records every call, and can be made unreachable. Like
// the real one, it dates every answer (`checked_at`) with its clock.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::helper::test {

struct FakeTokenService final : tokenclient::TokenService {
    // secret -> what validate answers; an absent secret is "invalid" (patd).
    std::map<std::string, tokenclient::TokenInfo> tokens;
    // password -> whether the account has 2FA; absent: wrong password.
    std::map<std::string, bool> passwords;
    tokenclient::ServiceKind kind = tokenclient::ServiceKind::patd;
    bool unreachable = false;
    const Clock* clock = &system_clock();  // dates the answers
    int generated = 0;
    std::vector<std::string> validated;                     // server keys, in order
    std::vector<tokenclient::StoredService> validated_for;  // `stored` of each validate
    std::vector<tokenclient::StoredService> reported_for;   // `stored` of each report_usage
    std::string configured;                                 // what configured_service answers
    std::vector<std::pair<std::string, tokenclient::TimePoint>> usage;  // key, used_at

    static cred::Error down() {
        return {cred::Errc::service_unreachable, "cannot reach http://127.0.0.1:9"};
    }

    cred::Result<tokenclient::TokenInfo> validate(
        const std::string& key, const std::string&, const Secret& secret,
        const tokenclient::StoredService& stored) override {
        validated.push_back(key);
        validated_for.push_back(stored);
        if (unreachable) return fail(down());
        tokenclient::TokenInfo info;
        info.kind = kind;
        if (kind != tokenclient::ServiceKind::none) {
            if (auto it = tokens.find(std::string(secret.reveal())); it != tokens.end()) {
                info = it->second;
                info.kind = kind;
            } else {
                info.state = tokenclient::TokenState::invalid;
                info.reason = "unknown token";
            }
        }
        info.checked_at = clock->now();
        return info;
    }

    std::string configured_service(const std::string&) override { return configured; }

    cred::Result<tokenclient::CreatedToken> exchange_password(const std::string&,
                                                              const std::string&,
                                                              const Secret& password) override {
        if (unreachable) return fail(down());
        auto it = passwords.find(std::string(password.reveal()));
        if (it == passwords.end()) {
            return fail(cred::Error{cred::Errc::service_unauthorized,
                                    "token service refused the login: incorrect password"});
        }
        if (it->second) {
            return fail(
                cred::Error{cred::Errc::service_rejected,
                            "token service: " + std::string(tokenclient::k_pat_required_detail)});
        }
        tokenclient::CreatedToken created;
        created.info.state = tokenclient::TokenState::active;
        created.info.kind = tokenclient::ServiceKind::patd;
        created.info.uuid = "auto-" + std::to_string(++generated);
        created.info.generated_by = "auto";
        created.info.scopes = {"repo:admin"};
        created.token = Secret::copy_of("dckr_pat_auto" + std::to_string(generated));
        tokens[std::string(created.token.reveal())] = created.info;
        created.info.checked_at = clock->now();
        return created;
    }

    cred::Result<void> report_usage(const std::string& key, const std::string&,
                                    const Secret& secret, const tokenclient::StoredService& stored,
                                    tokenclient::TimePoint used_at) override {
        reported_for.push_back(stored);
        if (unreachable) return fail(down());
        if (!tokens.count(std::string(secret.reveal()))) {
            return fail(cred::Error{cred::Errc::service_unauthorized, "unknown token"});
        }
        usage.emplace_back(key, used_at);
        return {};
    }
};

}  // namespace pat::helper::test
