#include "common/secret.hpp"

#include <catch2/catch.hpp>

using pat::Secret;

TEST_CASE("A secret takes the source bytes and wipes the source", "[secret]") {
    std::string source("p\0ss", 4);
    Secret secret(std::move(source));
    CHECK(source.empty());  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(secret.reveal() == std::string_view("p\0ss", 4));
    CHECK(secret.size() == 4);
}

TEST_CASE("A moved-from secret is empty", "[secret]") {
    Secret a = Secret::copy_of("token");
    Secret b = std::move(a);
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(b.reveal() == "token");
}

TEST_CASE("Secrets compare by content", "[secret]") {
    CHECK(Secret::copy_of("x") == Secret::copy_of("x"));
    CHECK_FALSE(Secret::copy_of("x") == Secret::copy_of("y"));
    CHECK_FALSE(Secret::copy_of("x") == Secret::copy_of("xx"));
}
