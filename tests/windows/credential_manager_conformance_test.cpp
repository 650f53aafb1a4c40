// The conformance suite on the Windows Credential Manager (run under wine64
// by wine_test.sh, or natively). It empties the Credential Manager's docker
// items of the user it runs as: run it in a throw-away WINEPREFIX or a CI
// runner, never on a desktop that holds real logins.
#include "conformance/store_conformance.hpp"
#include "windows/credential_manager_store.hpp"

namespace pat::test {
std::optional<std::string> store_unreachable_reason() {
    return std::nullopt;
}
}  // namespace pat::test

PAT_STORE_CONFORMANCE(
    "credential manager", [] { return pat::platform::make_credential_manager_store(); },
    pat::test::ConformanceTraits{})
