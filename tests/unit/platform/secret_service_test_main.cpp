// Main for the tests that need a real Secret Service: without one (outside
// tests/lib/with-keyring.sh, or no provider on the bus) the whole executable
// exits 77, which ctest reports as skipped -- never as passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>

#include "linux/secret_service_store.hpp"

int main(int argc, char** argv) {
    if (std::getenv("PAT_TEST_SECRET_SERVICE") == nullptr ||
        !pat::platform::secret_service_available({})) {
        std::fputs("skipped: no Secret Service (run under tests/lib/with-keyring.sh)\n", stderr);
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
