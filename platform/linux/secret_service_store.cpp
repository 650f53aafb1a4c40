// Placeholder until the Secret Service store lands: every call fails with a
// clear backend error instead of pretending to work.
#include "secret_service_store.hpp"

namespace pat::platform {
namespace {

class UnavailableStore final : public cred::CredentialStore {
public:
    cred::Result<void> add(const cred::Credentials&) override { return fail(error()); }
    cred::Result<cred::Credentials> get(std::string_view) override { return fail(error()); }
    cred::Result<void> erase(std::string_view) override { return fail(error()); }
    cred::Result<std::map<std::string, std::string>> list() override { return fail(error()); }

private:
    static cred::Error error() {
        return {cred::Errc::backend, "the Secret Service store is not built into this binary"};
    }
};

}  // namespace

bool secret_service_available(const SecretServiceOptions&) { return false; }

std::unique_ptr<cred::CredentialStore> make_secret_service_store(const SecretServiceOptions&) {
    return std::make_unique<UnavailableStore>();
}

}  // namespace pat::platform
