#include "credentials/cli.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "common/version.hpp"
#include "credentials/memory_store.hpp"

using namespace pat::cred;

namespace {

struct Outcome {
    int rc;
    std::string out;
    int opened;
};

Outcome cli(const std::vector<std::string_view>& args, const std::string& input = {},
            std::optional<Error> open_error = std::nullopt) {
    int opened = 0;
    StoreOpener open = [&]() -> Result<std::unique_ptr<CredentialStore>> {
        ++opened;
        if (open_error) return pat::fail(*open_error);
        return std::unique_ptr<CredentialStore>(std::make_unique<MemoryStore>());
    };
    std::istringstream in(input);
    std::ostringstream out;
    const int rc = run_cli(args, open, in, out);
    return {rc, out.str(), opened};
}

const std::string k_usage = "Usage: docker-credential-pat <store|get|erase|list|version>\n";
const std::string k_version_line =
    "docker-credential-pat (github.com/docker-credential-pat/docker-credential-pat) " +
    std::string(pat::k_version) + "\n";

}  // namespace

TEST_CASE("argv: version and help exit 0 without opening the store", "[cli]") {
    for (std::string_view flag : {"--version", "-v", "version"}) {
        auto o = cli({flag});
        CHECK(o.rc == 0);
        CHECK(o.out == k_version_line);
        CHECK(o.opened == 0);
    }
    for (std::string_view flag : {"--help", "-h"}) {
        auto o = cli({flag});
        CHECK(o.rc == 0);
        CHECK(o.out == k_usage);
        CHECK(o.opened == 0);
    }
}

TEST_CASE("argv: any other shape prints the usage line and exits 1", "[cli]") {
    for (const auto& args : {std::vector<std::string_view>{},
                             {"get", "extra"},
                             {"store", "get", "x"},
                             {"--help", "x"}}) {
        auto o = cli(args);
        CHECK(o.rc == 1);
        CHECK(o.out == k_usage);
        CHECK(o.opened == 0);
    }
}

TEST_CASE("argv: unknown actions get the upstream >= 0.8 message", "[cli]") {
    auto o = cli({"foo"});
    CHECK(o.rc == 1);
    CHECK(o.out == "docker-credential-pat: unknown action: foo\n");
    CHECK(o.opened == 0);
    CHECK(cli({"--verbose"}).out == "docker-credential-pat: unknown action: --verbose\n");
    CHECK(cli({"GET"}).out == "docker-credential-pat: unknown action: GET\n");
    CHECK(cli({"a\nb"}).out == "docker-credential-pat: unknown action: a b\n");
}

TEST_CASE("argv: the four verbs open the store and run the action", "[cli]") {
    auto o = cli({"list"});
    CHECK(o.rc == 0);
    CHECK(o.out == "{}\n");
    CHECK(o.opened == 1);
    CHECK(cli({"get"}, "h").out == "credentials not found in native keychain\n");
}

TEST_CASE("argv: a store that cannot be opened is one error line", "[cli]") {
    auto o = cli({"get"}, "h",
                 Error{Errc::bad_input, "invalid DOCKER_CREDENTIAL_PAT_STORE value \"x\""});
    CHECK(o.rc == 1);
    CHECK(o.out == "invalid DOCKER_CREDENTIAL_PAT_STORE value \"x\"\n");
}
