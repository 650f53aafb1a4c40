#pragma once
// The lifecycle unit tests' world: a MemoryStore as the keychain, the
// scripted token service (one active PAT "dckr_pat_good", passwords
// "hunter2" and "2fa-password" for a 2FA account), spool and verdicts in a
// temp state dir, a manual clock, and the PatAwareStore over them.

#include <memory>
#include <sstream>

#include "credentials/memory_store.hpp"
#include "fake_token_service.hpp"
#include "helper/lifecycle/helper_config.hpp"
#include "helper/lifecycle/pat_store.hpp"
#include "state/temp_dir.hpp"

namespace pat::helper::test {

inline constexpr const char* k_key = "registry.example:5000";

struct LifecycleFixture {
    TempDir dir;
    HelperConfig config;
    cred::MemoryStore inner;
    FakeTokenService service;
    std::unique_ptr<UsageSpool> spool;
    std::unique_ptr<VerdictCache> verdicts;
    ManualClock clock;
    std::ostringstream warnings;
    int flush_requests = 0;
    bool exchange = true;

    LifecycleFixture() {
        config.paths.state_dir = dir.path + "/state";
        config.paths.cache_dir = dir.path + "/cache";
        spool = std::make_unique<UsageSpool>(config.paths.spool());
        verdicts = std::make_unique<VerdictCache>(config.paths.verdicts());
        tokenclient::TokenInfo active;
        active.state = tokenclient::TokenState::active;
        active.scopes = {"repo:read", "repo:write"};
        active.uuid = "u-1";
        active.label = "laptop";
        active.owner = "alice";
        active.generated_by = "manual";
        service.tokens["dckr_pat_good"] = active;
        service.passwords["hunter2"] = false;
        service.passwords["2fa-password"] = true;
        service.clock = &clock;
    }

    PatAwareStore store() {
        return PatAwareStore(PatStoreDeps{inner, service, *spool, *verdicts, clock, warnings,
                                          [this] { ++flush_requests; }, exchange});
    }

    // `store` of SECRET for KEY as alice, through the PatAwareStore.
    cred::Result<void> add(const std::string& secret, const std::string& key = k_key) {
        return store().add(cred::Credentials{key, "alice", Secret::copy_of(secret), {}});
    }

    // The stored item, straight from the keychain.
    cred::Credentials stored(const std::string& key = k_key) { return inner.get(key).value(); }
};

}  // namespace pat::helper::test
