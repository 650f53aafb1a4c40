#pragma once
// ONE conformance suite for every CredentialStore (git's t/lib-credential.sh
// idea): the rules of credentials/credential_store.hpp,
// written once and run against the memory store, the kernel keyring and the
// Secret Service.
//
// Adding a store takes one .cpp and one CMake line:
//
//   // tests/conformance/secret_service_conformance_test.cpp
//   #include "conformance/store_conformance.hpp"
//   #include "linux/secret_service_store.hpp"
//   namespace pat::test {
//   // nullopt = reachable; otherwise why not (the test then exits 77 = SKIPPED).
//   std::optional<std::string> store_unreachable_reason() {
//       if (platform::secret_service_available({})) return std::nullopt;
//       return "no Secret Service on the session bus";
//   }
//   }  // namespace pat::test
//   PAT_STORE_CONFORMANCE("secret service",
//                         [] { return pat::platform::make_secret_service_store({}); },
//                         pat::test::ConformanceTraits{})
//
//   # tests/conformance/CMakeLists.txt
//   pat_add_conformance_test(secret_service_conformance
//                            secret_service_conformance_test.cpp LIBS pat_platform)
//
// Every section starts by erasing whatever list() shows, so the factory may
// return a store that already holds items. Run it only inside an isolated
// keychain (tests/lib/with-keyring.sh): it empties the store it is given.

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "credentials/credential_store.hpp"

namespace pat::test {

struct ConformanceTraits {
    // Whether a 1 MiB secret fits. When it does not, add() of one must fail
    // with `large_secret_error` and a message starting with
    // `large_secret_message_prefix`, and leave the store unchanged.
    bool supports_1mib_secret = true;
    cred::Errc large_secret_error = cred::Errc::too_large;
    std::string large_secret_message_prefix;
    // Metadata names the store writes itself (PatAwareStore keeps each
    // item's token metadata under them): left out wherever the suite
    // compares metadata.
    std::set<std::string> own_metadata_names;
    // Whether the account layer may sit on this store. Not on PatAwareStore:
    // it hides the helper's own keys, and the helper puts it above the
    // account layer instead (the black-box docker tests run that order).
    bool account_layer_over_it = true;
};

using StoreFactory = std::function<std::unique_ptr<cred::CredentialStore>()>;

// Runs the suite's sections against a fresh store from `make_store`.
void check_store_conformance(const StoreFactory& make_store, const ConformanceTraits& traits);

// Several accounts per registry (credentials/account_store.hpp) over a
// fresh store from `make_store` (account_conformance.cpp).
void check_account_conformance(const StoreFactory& make_store, const ConformanceTraits& traits);

// Defined by each conformance executable: nullopt when the store can be
// reached, else the reason it cannot (main then exits 77, reported SKIPPED).
std::optional<std::string> store_unreachable_reason();

}  // namespace pat::test

#define PAT_STORE_CONFORMANCE(store_name, factory, traits)                                     \
    TEST_CASE(store_name " store conforms to the CredentialStore contract", "[conformance]") { \
        ::pat::test::check_store_conformance(factory, traits);                                 \
    }                                                                                          \
    TEST_CASE(store_name " store keeps several accounts per registry", "[conformance]") {      \
        ::pat::test::check_account_conformance(factory, traits);                               \
    }
