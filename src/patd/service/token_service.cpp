// TEMPORARY: the interface is fixed, the logic lands in following commits.
// Every method answers internal "not implemented yet" for now.
#include "patd/service/token_service.hpp"

namespace pat::patd {

struct TokenService::Impl {
    std::unique_ptr<Repository> repository;
    Secret pepper;
    ServiceOptions options;
};

namespace {
Error nyi() {
    return internal_error("not implemented yet");
}
}  // namespace

TokenService::TokenService(std::unique_ptr<Repository> repository, Secret pepper,
                           ServiceOptions options, const Clock&, RandomSource&)
    : m_impl(new Impl{std::move(repository), std::move(pepper), std::move(options)}) {}
TokenService::~TokenService() = default;

SResult<AccountInfo> TokenService::create_account(std::string_view, const Secret&) {
    return fail(nyi());
}
SResult<std::vector<AccountInfo>> TokenService::list_accounts() {
    return fail(nyi());
}
SResult<Secret> TokenService::enable_2fa(std::string_view) {
    return fail(nyi());
}
SResult<void> TokenService::disable_2fa(std::string_view) {
    return fail(nyi());
}
SResult<Secret> TokenService::login(std::string_view, const Secret&, const ClientInfo&) {
    return fail(nyi());
}
SResult<Secret> TokenService::login_2fa(std::string_view, std::string_view, const ClientInfo&) {
    return fail(nyi());
}
SResult<Principal> TokenService::authenticate_session(std::string_view) {
    return fail(nyi());
}
SResult<TokenPage> TokenService::list_tokens(const Principal&, PageRequest) {
    return fail(nyi());
}
SResult<CreatedToken> TokenService::create_token(const Principal&, const NewTokenRequest&,
                                                 const ClientInfo&) {
    return fail(nyi());
}
SResult<CreatedToken> TokenService::desktop_generate(const Principal&, const ClientInfo&) {
    return fail(nyi());
}
SResult<AccessTokenView> TokenService::get_token(const Principal&, std::string_view) {
    return fail(nyi());
}
SResult<AccessTokenView> TokenService::patch_token(const Principal&, std::string_view,
                                                   const TokenPatch&) {
    return fail(nyi());
}
SResult<void> TokenService::delete_token(const Principal&, std::string_view) {
    return fail(nyi());
}
SResult<AccessTokenView> TokenService::current(const BasicCredentials&, const ClientInfo&) {
    return fail(nyi());
}
SResult<void> TokenService::record_usage(const BasicCredentials&, std::optional<Timestamp>,
                                         const ClientInfo&) {
    return fail(nyi());
}
SResult<Grant> TokenService::registry_grant(const GrantRequest&) {
    return fail(nyi());
}
SResult<void> TokenService::health() {
    return fail(nyi());
}
ServiceStats TokenService::stats() const {
    return {};
}
void TokenService::flush_due() {}
void TokenService::flush() {}

std::string_view to_string(GeneratedBy g) {
    return g == GeneratedBy::manual ? "manual" : "auto";
}

}  // namespace pat::patd
