// TokenService under the HTTP server's thread pool: several threads create
// tokens, authenticate and record uses at once against a file database.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "service_fixture.hpp"

using namespace patd_test;

TEST_CASE("the service is safe to call from several threads", "[service][threads]") {
    std::string dir = (std::filesystem::temp_directory_path() / "patd-svc-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    {
        auto repo = open_repository("sqlite://" + dir + "/patd.db");
        REQUIRE(repo.ok());
        ServiceOptions options = test_options();
        options.rate_limit.free_failures = 1'000'000;
        TokenService service(std::move(*repo), pat::Secret::copy_of(std::string(32, 'k')),
                             options);  // real clock and CSPRNG: both are shared
        REQUIRE(service.create_account("alice", pat::Secret::copy_of("password1")).ok());
        auto session = service.login("alice", pat::Secret::copy_of("password1"), {});
        const Principal owner = *service.authenticate_session(session->reveal());

        constexpr int k_threads = 6;
        constexpr int k_rounds = 30;
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        threads.reserve(k_threads);
        for (int t = 0; t < k_threads; ++t) {
            threads.emplace_back([&, t] {
                const ClientInfo client{"10.0.0." + std::to_string(t), "ua", ""};
                for (int i = 0; i < k_rounds; ++i) {
                    auto created = service.create_token(owner, {"t", {"repo:write"}, {}}, client);
                    if (!created) {
                        ++failures;
                        continue;
                    }
                    const BasicCredentials creds{"alice", created->token.clone()};
                    auto grant = service.registry_grant(
                        GrantRequest{BasicCredentials{"alice", creds.secret.clone()},
                                     client,
                                     "registry",
                                     {"repository:alice/app:pull,push"}});
                    if (!grant || grant->access.size() != 1) ++failures;
                    if (!service.record_usage(creds, std::nullopt, client)) ++failures;
                    if (!service.current(creds, client)) ++failures;
                    if (service.current(BasicCredentials{"alice", pat::Secret::copy_of("nope")},
                                        client))
                        ++failures;
                    if (i % 10 == 0) service.flush_due();
                }
            });
        }
        for (auto& th : threads) th.join();
        CHECK(failures == 0);
        service.flush();
        auto page = service.list_tokens(owner, PageRequest{1, 100});
        CHECK(page->count == static_cast<long long>(k_threads) * k_rounds);
        CHECK(service.stats().grants == static_cast<std::size_t>(k_threads) * k_rounds);
        CHECK(service.stats().auth_failures == static_cast<std::size_t>(k_threads) * k_rounds);
        CHECK(service.stats().last_used_writes >= static_cast<std::size_t>(k_threads) * k_rounds);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("password work is serialised by the gate without deadlock", "[service][threads]") {
    ServiceOptions options = test_options();
    options.max_concurrent_password_hashes = 1;
    options.rate_limit.free_failures = 1'000'000;
    ServiceFixture f(options);
    f.add_user("alice");
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i) {
                const ClientInfo client{"10.1.1." + std::to_string(t), "", ""};
                if (f.service->login("alice", pat::Secret::copy_of("password1"), client)) ++ok;
                if (!f.service->login("nobody", pat::Secret::copy_of("password1"), client)) ++ok;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(ok == 40);
}
