// The conformance suite on PatAwareStore, the store docker talks to: over
// the memory store, with a token service that finds no service for any
// registry (so every secret is kept, as for a registry without one), and
// with its spool and verdicts in a temp state directory. It must keep the
// four-verb contract of every store; the token metadata it writes itself
// (helper::to_metadata's names) is left out of the metadata checks.
#include <sstream>

#include "common/clock.hpp"
#include "conformance/store_conformance.hpp"
#include "credentials/memory_store.hpp"
#include "helper/lifecycle/pat_store.hpp"
#include "helper/state/token_metadata.hpp"
#include "unit/helper/fake_token_service.hpp"
#include "unit/helper/state/temp_dir.hpp"

namespace pat::test {
std::optional<std::string> store_unreachable_reason() {
    return std::nullopt;
}
}  // namespace pat::test

namespace {

using namespace pat;

// Owns what the PatAwareStore borrows, as helper_runtime's RuntimeStore does.
class OwnedPatStore final : public cred::CredentialStore {
  public:
    OwnedPatStore()
        : m_spool(m_dir.path + "/usage.spool"),
          m_verdicts(m_dir.path + "/verdicts.json"),
          m_store(helper::PatStoreDeps{m_inner, m_service, m_spool, m_verdicts, m_clock, m_warnings,
                                       [] {}, true}) {
        m_service.kind = tokenclient::ServiceKind::none;
    }

    cred::Result<void> add(const cred::Credentials& c) override { return m_store.add(c); }
    cred::Result<cred::Credentials> get(std::string_view key) override { return m_store.get(key); }
    cred::Result<void> erase(std::string_view key) override { return m_store.erase(key); }
    cred::Result<std::map<std::string, std::string>> list() override { return m_store.list(); }

  private:
    helper::test::TempDir m_dir;
    cred::MemoryStore m_inner;
    helper::test::FakeTokenService m_service;
    helper::UsageSpool m_spool;
    helper::VerdictCache m_verdicts;
    ManualClock m_clock;
    std::ostringstream m_warnings;
    helper::PatAwareStore m_store;
};

test::ConformanceTraits pat_store_traits() {
    test::ConformanceTraits traits;
    traits.account_layer_over_it = false;
    // Every name TokenInfo can write, from one with every field set.
    tokenclient::TokenInfo all;
    all.kind = tokenclient::ServiceKind::patd;
    all.service_url = all.uuid = all.label = all.owner = all.generated_by = all.reason =
        all.generation = "x";
    all.scopes = {"x"};
    all.expires_at = all.last_used = all.checked_at = tokenclient::TimePoint{};
    for (const auto& [name, value] : helper::to_metadata(all))
        traits.own_metadata_names.insert(name);
    return traits;
}

}  // namespace

PAT_STORE_CONFORMANCE(
    "PatAwareStore over memory", [] { return std::make_unique<OwnedPatStore>(); },
    pat_store_traits())
