#include <catch2/catch.hpp>

#include "tokenclient/registry_probe.hpp"

using pat::tokenclient::parse_bearer_challenge;
using pat::tokenclient::registry_base_url;

namespace {

struct ChallengeCase {
    const char* header;
    const char* realm;  // nullptr: no Bearer challenge expected
    const char* service;
};

}  // namespace

TEST_CASE("Bearer challenges parse with quoting, case and order variations", "[tokenclient]") {
    const ChallengeCase cases[] = {
        {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io")",
         "https://auth.docker.io/token", "registry.docker.io"},
        // parameters in another order, with a scope the client ignores
        {R"(Bearer service="registry.test",scope="repository:a/b:pull",realm="http://127.0.0.1:5001/token")",
         "http://127.0.0.1:5001/token", "registry.test"},
        // scheme and parameter names are case-insensitive; spaces around = and ,
        {R"(bearer  Realm = "http://h/token" ,  SERVICE="svc")", "http://h/token", "svc"},
        // token (unquoted) values
        {"Bearer realm=http://h/token,service=svc", "http://h/token", "svc"},
        // quoted-string escapes; a comma inside quotes is not a separator
        {R"(Bearer realm="http://h/t\"o\\k,en",service="a,b")", R"(http://h/t"o\k,en)", "a,b"},
        // no service
        {R"(Bearer realm="http://h/token")", "http://h/token", ""},
        // several challenges in one value: the Bearer one wins
        {R"(Basic realm="x", Bearer realm="http://h/token",service="s")", "http://h/token", "s"},
        {R"(Negotiate abc==, Bearer realm="http://h/token")", "http://h/token", ""},
        {R"(Basic, Bearer realm="http://h/token")", "http://h/token", ""},
        // not a usable Bearer challenge
        {R"(Basic realm="registry")", nullptr, nullptr},
        {"Bearer", nullptr, nullptr},
        {R"(Bearer realm="")", nullptr, nullptr},
        {R"(Bearer service="s")", nullptr, nullptr},
        {R"(Bearer realm="unterminated)", nullptr, nullptr},
        {R"(Bearer realm="http://h/token" garbage)", nullptr, nullptr},
        {"", nullptr, nullptr},
        {"   ", nullptr, nullptr},
        {"=", nullptr, nullptr},
        {R"(Bearerrealm="http://h/token")", nullptr, nullptr},
    };
    for (const auto& c : cases) {
        INFO("header: " << c.header);
        const auto parsed = parse_bearer_challenge(c.header);
        if (c.realm == nullptr) {
            CHECK_FALSE(parsed.has_value());
        } else {
            REQUIRE(parsed.has_value());
            CHECK(parsed->realm == c.realm);
            CHECK(parsed->service == c.service);
        }
    }
}

TEST_CASE("Server keys map to registry base URLs", "[tokenclient]") {
    const std::pair<const char*, const char*> cases[] = {
        {"registry.example.com", "https://registry.example.com"},
        {"registry.example.com:5000", "https://registry.example.com:5000"},
        {"Registry.Example.COM", "https://registry.example.com"},
        {"localhost:5000", "http://localhost:5000"},
        {"localhost", "http://localhost"},
        {"127.0.0.1:41234", "http://127.0.0.1:41234"},
        {"127.1.2.3", "http://127.1.2.3"},
        {"[::1]:5000", "http://[::1]:5000"},
        {"128.0.0.1", "https://128.0.0.1"},
        {"127.example.com", "https://127.example.com"},
        {"localhost.example.com", "https://localhost.example.com"},
        // a scheme is kept, a path dropped
        {"http://registry.example.com:5000/v2/", "http://registry.example.com:5000"},
        {"https://127.0.0.1:5000", "https://127.0.0.1:5000"},
        {"https://registry.example.com/team", "https://registry.example.com"},
        {"  registry.example.com\n", "https://registry.example.com"},
        // Docker Hub's keys
        {"https://index.docker.io/v1/", "https://registry-1.docker.io"},
        {"index.docker.io", "https://registry-1.docker.io"},
        {"docker.io", "https://registry-1.docker.io"},
        {"registry-1.docker.io", "https://registry-1.docker.io"},
        {"https://docker.io", "https://registry-1.docker.io"},
    };
    for (const auto& [key, want] : cases) {
        INFO("key: " << key);
        CHECK(registry_base_url(key) == want);
    }
}

TEST_CASE("Credentials never go from an https registry to a remote plain-http realm",
          "[tokenclient]") {
    using pat::tokenclient::realm_is_acceptable;
    CHECK(realm_is_acceptable("https://reg.example.com", "https://auth.example.com/token"));
    CHECK(realm_is_acceptable("http://127.0.0.1:5000", "http://127.0.0.1:5001/token"));
    CHECK(realm_is_acceptable("http://reg.internal:5000", "http://auth.internal/token"));
    CHECK(realm_is_acceptable("https://reg.example.com", "http://localhost:5001/token"));
    CHECK(realm_is_acceptable("https://reg.example.com", "http://127.0.0.1:5001/token"));
    CHECK(realm_is_acceptable("https://reg.example.com", "http://[::1]:5001/token"));
    CHECK_FALSE(realm_is_acceptable("https://reg.example.com", "http://auth.example.com/token"));
    CHECK_FALSE(realm_is_acceptable("https://reg.example.com", "ftp://auth.example.com/token"));
    CHECK_FALSE(realm_is_acceptable("https://reg.example.com", "/token"));
    CHECK_FALSE(realm_is_acceptable("https://reg.example.com", "http://127.evil.example/token"));
}

TEST_CASE("Arbitrary header bytes never break the challenge parser", "[tokenclient]") {
    // Deterministic pseudo-random headers built from the characters that
    // matter to the grammar; under the sanitizer build this finds overreads.
    const std::string alphabet = "Bearer realm=\"\\, \t=service/:abcXYZ09_-.~+";
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    auto next = [&state]() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int i = 0; i < 20000; ++i) {
        std::string header = i % 2 == 0 ? "Bearer " : "";
        const auto length = next() % 48;
        for (std::uint64_t j = 0; j < length; ++j) header += alphabet[next() % alphabet.size()];
        const auto parsed = parse_bearer_challenge(header);
        if (parsed) CHECK_FALSE(parsed->realm.empty());
    }
}
