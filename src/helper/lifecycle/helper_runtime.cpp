#include "helper/lifecycle/helper_runtime.hpp"

#include <ostream>

#include "common/log.hpp"
#include "credentials/account_store.hpp"
#include "credentials/native_keychain.hpp"
#include "helper/lifecycle/flush.hpp"
#include "helper/lifecycle/pat_store.hpp"

namespace pat::helper {
namespace {

cred::Error offline_error() {
    return {cred::Errc::service_unreachable,
            "the token service was not asked (DOCKER_CREDENTIAL_PAT_OFFLINE is set)"};
}

class OfflineTokenService final : public tokenclient::TokenService {
  public:
    explicit OfflineTokenService(const Clock& clock) : m_clock(clock) {}
    // Like a registry without a token service: stored unchecked, silently
    // (offline is the user's choice, not a problem to warn about), and
    // dated like every answer, so the flush leaves it alone.
    cred::Result<tokenclient::TokenInfo> validate(const std::string&, const std::string&,
                                                  const Secret&,
                                                  const tokenclient::StoredService&) override {
        tokenclient::TokenInfo info;
        info.reason = "not checked: DOCKER_CREDENTIAL_PAT_OFFLINE is set";
        info.checked_at = m_clock.now();
        return info;
    }
    cred::Result<tokenclient::CreatedToken> exchange_password(const std::string&,
                                                              const std::string&,
                                                              const Secret&) override {
        return fail(offline_error());
    }
    cred::Result<void> report_usage(const std::string&, const std::string&, const Secret&,
                                    const tokenclient::StoredService&,
                                    tokenclient::TimePoint) override {
        return fail(offline_error());
    }

  private:
    const Clock& m_clock;
};

// Owns everything the PatAwareStore borrows, for the life of the process.
class RuntimeStore final : public cred::CredentialStore {
  public:
    RuntimeStore(HelperConfig config, std::unique_ptr<cred::CredentialStore> inner,
                 std::ostream& warnings)
        : m_config(std::move(config)),
          m_inner(std::move(inner)),
          m_service(make_token_service(m_config, system_clock())),
          // No state directory (none, or one refused): no state files.
          m_spool(m_config.paths.state_dir.empty() ? "" : m_config.paths.spool()),
          m_verdicts(m_config.paths.state_dir.empty() ? "" : m_config.paths.verdicts()),
          m_store(PatStoreDeps{*m_inner, *m_service, m_spool, m_verdicts, system_clock(), warnings,
                               [this, &warnings] {
                                   if (auto spawned = maybe_spawn_flush(m_config, system_clock());
                                       !spawned)
                                       say_warning(warnings, spawned.error().message);
                               },
                               m_config.exchange_passwords}) {}

    cred::Result<void> add(const cred::Credentials& c) override { return m_store.add(c); }
    cred::Result<cred::Credentials> get(std::string_view key) override { return m_store.get(key); }
    cred::Result<void> erase(std::string_view key) override { return m_store.erase(key); }
    cred::Result<std::map<std::string, std::string>> list() override { return m_store.list(); }

  private:
    HelperConfig m_config;
    std::unique_ptr<cred::CredentialStore> m_inner;
    std::unique_ptr<tokenclient::TokenService> m_service;
    UsageSpool m_spool;
    VerdictCache m_verdicts;
    PatAwareStore m_store;
};

}  // namespace

std::unique_ptr<tokenclient::TokenService> make_token_service(const HelperConfig& config,
                                                              const Clock& clock) {
    if (config.offline) return std::make_unique<OfflineTokenService>(clock);
    return tokenclient::make_remote_token_service(config.locator, clock);
}

cred::Result<std::unique_ptr<cred::CredentialStore>> open_pat_store(const cred::EnvLookup& env,
                                                                    std::ostream& warnings) {
    auto config = load_settings(env);
    if (!config) return fail(std::move(config).error());
    // Several accounts per registry under the lifecycle: each account keeps
    // its own token metadata (docs/accounts.md).
    std::unique_ptr<cred::CredentialStore> inner =
        cred::with_accounts(cred::make_native_store(config->store, env), config->store);
    if (config->helper.paths.state_dir.empty()) return inner;
    if (auto made = ensure_private_dir(config->helper.paths.state_dir); !made) {
        // Someone else could have planted files there: use none of them.
        // Credentials still work, and `store` still checks them (README
        // "Token service"); only the spool, verdicts and flush stop.
        if (made.error().code == cred::Errc::unsafe_file) {
            say_warning(warnings, made.error().message +
                                      "; not using it (credentials still work, without usage "
                                      "reports or background token checks)");
            config->helper.paths.state_dir.clear();
        } else {
            log::debug("state directory: " + made.error().message);
        }
    }
    return std::unique_ptr<cred::CredentialStore>(
        std::make_unique<RuntimeStore>(std::move(config->helper), std::move(inner), warnings));
}

int run_flush_command(const cred::EnvLookup& env) {
    auto settings = load_settings(env);
    if (!settings) {
        log::error(settings.error().message);
        return 1;
    }
    const HelperConfig& config = settings->helper;
    if (config.offline) return 0;  // nothing may touch the network
    auto inner =
        cred::with_accounts(cred::make_native_store(settings->store, env), settings->store);
    auto service = make_token_service(config, system_clock());
    auto report = run_flush(*inner, *service, config, system_clock());
    if (!report) {
        log::error(report.error().message);
        return 1;
    }
    log::info("flush: " + std::to_string(report->uses_delivered) + " uses delivered, " +
              std::to_string(report->uses_kept) + " kept, " +
              std::to_string(report->verdicts_refreshed) + " verdicts refreshed" +
              (report->already_running != 0 ? " (another flush was running)" : ""));
    return 0;
}

}  // namespace pat::helper
