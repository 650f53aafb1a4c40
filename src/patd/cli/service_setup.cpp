#include "patd/cli/commands.hpp"
#include "patd/config/data_dir.hpp"

namespace pat::patd::cli {

Result<std::unique_ptr<TokenService>, std::string> open_service(const config::Config& config) {
    if (auto dir = config::ensure_private_dir(config.data_dir); !dir) return fail(dir.error());
    auto pepper = config::load_or_create_pepper(config.data_dir);
    if (!pepper) return fail(pepper.error());
    auto repository = open_repository(config.database);
    if (!repository) return fail("cannot open database: " + repository.error().message);
    ServiceOptions options;
    options.public_namespaces = config.public_namespaces;
    options.last_used_interval = std::chrono::seconds(config.last_used_interval);
    options.audit_retention = std::chrono::days(config.audit_retention);
    options.rate_limit.free_failures = config.auth_fail_limit;
    options.rate_limit.max_delay = std::chrono::seconds(config.auth_max_delay);
    options.rate_limit.password_logins_per_minute = config.password_logins_per_minute;
    options.oidc.admins = config.oidc_admins;
    options.oidc.fetch_timeout = std::chrono::seconds(config.oidc_fetch_timeout);
    options.oidc.refresh_interval = std::chrono::seconds(config.oidc_key_refresh);
    options.oidc.sweep_interval = std::chrono::seconds(config.oidc_sweep_interval);
    options.device_poll_interval = std::chrono::seconds(config.device_poll_interval);
    options.device_code_ttl = std::chrono::seconds(config.device_code_ttl);
    return std::make_unique<TokenService>(std::move(*repository), std::move(*pepper), options);
}

}  // namespace pat::patd::cli
