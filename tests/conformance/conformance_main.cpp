// main() of every store conformance executable: reports an unreachable store
// as SKIPPED (exit 77, SKIP_RETURN_CODE in CMake), never as passed.
#if defined(__GNUC__) && !defined(__clang__)
// Catch2's runner pulls in <regex>, where GCC 12 with the sanitizers reports
// a false -Wmaybe-uninitialized inside libstdc++ (the shared catch_main.cpp
// is built without pat_warnings for the same reason).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

#include "conformance/store_conformance.hpp"

int main(int argc, char** argv) {
    if (auto reason = pat::test::store_unreachable_reason()) {
        std::cout << "SKIPPED: " << *reason << '\n';
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
