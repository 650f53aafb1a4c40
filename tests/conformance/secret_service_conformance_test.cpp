// The conformance suite on the real Secret Service (gnome-keyring). ctest
// runs it through tests/secret_service/isolated.sh, in a private bus and
// keyring of its own: the suite empties the store it is given.
#include "conformance/store_conformance.hpp"
#include "linux/secret_service_store.hpp"

namespace pat::test {
std::optional<std::string> store_unreachable_reason() {
    if (platform::secret_service_available({})) return std::nullopt;
    return "no Secret Service on the session bus";
}
}  // namespace pat::test

PAT_STORE_CONFORMANCE(
    "secret service", [] { return pat::platform::make_secret_service_store({}); },
    pat::test::ConformanceTraits{})
