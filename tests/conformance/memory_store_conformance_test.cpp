#include "conformance/store_conformance.hpp"
#include "credentials/memory_store.hpp"

namespace pat::test {
std::optional<std::string> store_unreachable_reason() {
    return std::nullopt;
}
}  // namespace pat::test

PAT_STORE_CONFORMANCE(
    "memory", [] { return std::make_unique<pat::cred::MemoryStore>(); },
    pat::test::ConformanceTraits{})
