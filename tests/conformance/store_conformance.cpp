#include "conformance/store_conformance.hpp"

#include <string>
#include <utility>
#include <vector>

#include "credentials/metadata.hpp"

using namespace std::string_literals;

namespace pat::test {
namespace {

using cred::Credentials;
using cred::CredentialStore;
using cred::Errc;

void clear(CredentialStore& store) {
    auto entries = store.list();
    REQUIRE(entries.ok());
    for (const auto& [key, user] : *entries) REQUIRE(store.erase(key).ok());
    auto after = store.list();
    REQUIRE(after.ok());
    REQUIRE(after->empty());
}

void add(CredentialStore& store, const std::string& key, const std::string& user,
         std::string_view secret) {
    auto r = store.add(Credentials{key, user, Secret::copy_of(secret), {}});
    INFO(key << " " << (r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
}

void check_get(CredentialStore& store, const std::string& key, const std::string& user,
               std::string_view secret) {
    auto got = store.get(key);
    INFO(key << " " << (got.ok() ? "" : got.error().message));
    REQUIRE(got.ok());
    CHECK(got->username == user);
    CHECK(got->secret.size() == secret.size());
    CHECK(got->secret.reveal() == secret);
}

void check_missing(CredentialStore& store, const std::string& key) {
    auto got = store.get(key);
    INFO(key);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == Errc::not_found);
    CHECK(got.error().message == cred::k_not_found_message);
}

std::map<std::string, std::string> listing(CredentialStore& store) {
    auto entries = store.list();
    INFO((entries.ok() ? "" : entries.error().message));
    REQUIRE(entries.ok());
    return *entries;
}

void add_with(CredentialStore& store, const std::string& key, const std::string& user,
              std::string_view secret, const cred::Metadata& metadata) {
    auto r = store.add(Credentials{key, user, Secret::copy_of(secret), metadata});
    INFO(key << " " << (r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
}

cred::Metadata metadata_of(CredentialStore& store, const std::string& key) {
    auto got = store.get(key);
    INFO(key << " " << (got.ok() ? "" : got.error().message));
    REQUIRE(got.ok());
    return got->metadata;
}

// `metadata` without the names the store writes itself.
cred::Metadata visible(const ConformanceTraits& traits, cred::Metadata metadata) {
    std::erase_if(metadata,
                  [&](const auto& entry) { return traits.own_metadata_names.count(entry.first); });
    return metadata;
}

// A value of exactly `size` bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte
// characters (and every printable ASCII a keychain might mangle).
std::string utf8_value(std::size_t size, char seed) {
    static const std::string k_pieces[] = {"\xF0\x9F\x94\x91", "\xC3\xA4", "\xE4\xB8\xAD",
                                           " =;:\"'\\/%&<>{}[]\t\n"};
    std::string out(1, seed);
    for (std::size_t i = 0;; ++i) {
        const std::string& piece = k_pieces[i % 4];
        if (out.size() + piece.size() > size) break;
        out += piece;
    }
    out.append(size - out.size(), 'z');
    return out;
}

std::string jwt_like(std::size_t size) {
    static constexpr char k_b64url[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    for (std::size_t i = 0; out.size() < size; ++i) {
        out.push_back((i % 997 == 996) ? '.' : k_b64url[(i * 7919 + i / 64) % 64]);
    }
    return out;
}

}  // namespace

void check_store_conformance(const StoreFactory& make_store, const ConformanceTraits& traits) {
    auto owned = make_store();
    REQUIRE(owned);
    CredentialStore& store = *owned;
    clear(store);

    SECTION("an empty store lists as {} and gets nothing") {
        CHECK(listing(store).empty());
        check_missing(store, "h:5000");
    }
    SECTION("stores a credential and gets it back") {
        add(store, "h:5000", "alice", "pw1");
        check_get(store, "h:5000", "alice", "pw1");
        check_missing(store, "h:5001");
        check_missing(store, "h:500");
    }
    SECTION("overwrites with the same username") {
        add(store, "h:5000", "alice", "old");
        add(store, "h:5000", "alice", "new");
        check_get(store, "h:5000", "alice", "new");
        CHECK(listing(store) == std::map<std::string, std::string>{{"h:5000", "alice"}});
    }
    SECTION("overwrites with a different username: one credential per key") {
        add(store, "h:5000", "alice", "a-secret");
        add(store, "h:5000", "bob", "b-secret");
        check_get(store, "h:5000", "bob", "b-secret");
        CHECK(listing(store) == std::map<std::string, std::string>{{"h:5000", "bob"}});
    }
    SECTION("forgets an erased credential") {
        add(store, "h:5000", "alice", "pw");
        REQUIRE(store.erase("h:5000").ok());
        check_missing(store, "h:5000");
        CHECK(listing(store).empty());
    }
    SECTION("erase of a missing key is not_found, twice, and touches nothing") {
        add(store, "h:5000", "alice", "pw");
        for (int i = 0; i < 2; ++i) {
            auto erased = store.erase("never-stored.example.com");
            REQUIRE_FALSE(erased.ok());
            CHECK(erased.error().code == Errc::not_found);
            CHECK(erased.error().message == cred::k_not_found_message);
        }
        check_get(store, "h:5000", "alice", "pw");
    }
    SECTION("erase of an erased key is not_found") {
        add(store, "h:5000", "alice", "pw");
        REQUIRE(store.erase("h:5000").ok());
        auto again = store.erase("h:5000");
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().code == Errc::not_found);
    }
    SECTION("erase does not touch another key") {
        add(store, "h:5000", "a", "1");
        add(store, "h:5001", "b", "2");
        add(store, "https://h:5000", "c", "3");
        REQUIRE(store.erase("h:5000").ok());
        check_missing(store, "h:5000");
        check_get(store, "h:5001", "b", "2");
        check_get(store, "https://h:5000", "c", "3");
    }
    SECTION("every key list() returns works with get()") {
        const std::map<std::string, std::string> wanted{
            {"https://index.docker.io/v1/", "hubuser"},
            {"https://index.docker.io/v1/access-token", "hubuser"},
            {"https://index.docker.io/v1/refresh-token", "hubuser"},
            {"127.0.0.1:5055", "<token>"},
            {"registry.example.com", "ci;user=1"},
            {"http://h:80/path with space/ünïcödé", "u"}};
        for (const auto& [key, user] : wanted) add(store, key, user, "s:" + key);
        const auto listed = listing(store);
        CHECK(listed == wanted);
        for (const auto& [key, user] : listed) check_get(store, key, user, "s:" + key);
    }
    SECTION("keys with paths and suffixes are distinct, opaque keys") {
        add(store, "https://index.docker.io/v1/", "pat-user", "dckr_pat_x");
        add(store, "https://index.docker.io/v1/access-token", "pat-user", jwt_like(3000));
        add(store, "https://index.docker.io/v1/refresh-token", "pat-user", "r..client");
        REQUIRE(store.erase("https://index.docker.io/v1/").ok());
        check_missing(store, "https://index.docker.io/v1/");
        check_get(store, "https://index.docker.io/v1/access-token", "pat-user", jwt_like(3000));
        check_get(store, "https://index.docker.io/v1/refresh-token", "pat-user", "r..client");
    }
    SECTION("the <token> username is stored and returned verbatim") {
        add(store, "h:5000", "<token>", "identity-token");
        check_get(store, "h:5000", "<token>", "identity-token");
        CHECK(listing(store).at("h:5000") == "<token>");
    }
    SECTION("secrets are binary-safe: NUL, any UTF-8, empty, long JWTs") {
        const std::string nul = "p\xC3\xA4\0ss\0"s;
        const std::string utf8 =
            "\xF0\x9F\x94\x91 \xE4\xB8\xAD\xE6\x96\x87 \xD7\xA2\xD7\x91 \x7F\x01";
        add(store, "nul", "u", nul);
        add(store, "utf8", "u", utf8);
        add(store, "empty", "u", "");
        add(store, "jwt", "u", jwt_like(40000));
        check_get(store, "nul", "u", nul);
        check_get(store, "utf8", "u", utf8);
        check_get(store, "empty", "u", "");
        check_get(store, "jwt", "u", jwt_like(40000));
        // Replace a long secret by a short one and back.
        add(store, "jwt", "u", "short");
        check_get(store, "jwt", "u", "short");
        add(store, "jwt", "u2", jwt_like(70000));
        check_get(store, "jwt", "u2", jwt_like(70000));
    }
    SECTION("a 1 MiB secret round-trips, or fails with the documented error") {
        std::string big = jwt_like(std::size_t{1024} * 1024);
        big[1000] = '\0';
        add(store, "big", "u", "small");
        auto r = store.add(Credentials{"big", "u", Secret::copy_of(big), {}});
        if (traits.supports_1mib_secret) {
            INFO((r.ok() ? "" : r.error().message));
            REQUIRE(r.ok());
            check_get(store, "big", "u", big);
        } else {
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == traits.large_secret_error);
            CHECK(r.error().message.rfind(traits.large_secret_message_prefix, 0) == 0);
            check_get(store, "big", "u", "small");
        }
    }
    SECTION("metadata round-trips with the item") {
        const cred::Metadata metadata{{"pat_state", "active"},
                                      {"pat_scopes", "repo:read repo:write"},
                                      {"pat_label",
                                       "CI \xE2\x80\x94 \xC3\xBC"
                                       "nic\xC3\xB6"
                                       "de"},
                                      {"pat_expires_at", "2027-02-27T22:40:00Z"},
                                      {"pat_gen", "9f2c"},
                                      {"pat_empty", ""},
                                      {"x", "short name"}};
        add_with(store, "h:5000", "alice", "dckr_pat_1", metadata);
        add(store, "plain.example", "bob", "pw");
        check_get(store, "h:5000", "alice", "dckr_pat_1");
        CHECK(visible(traits, metadata_of(store, "h:5000")) == visible(traits, metadata));
        CHECK(visible(traits, metadata_of(store, "plain.example")).empty());
        CHECK(listing(store) ==
              std::map<std::string, std::string>{{"h:5000", "alice"}, {"plain.example", "bob"}});
        // A long secret (chunked by the kernel keyring) keeps its metadata too.
        add_with(store, "jwt", "u", jwt_like(70000), metadata);
        check_get(store, "jwt", "u", jwt_like(70000));
        CHECK(visible(traits, metadata_of(store, "jwt")) == visible(traits, metadata));
    }
    SECTION("a replace keeps only the new metadata") {
        add_with(store, "h:5000", "alice", "one", {{"pat_a", "1"}, {"pat_b", "2"}});
        add_with(store, "h:5000", "alice", "two", {{"pat_b", "3"}, {"pat_c", "4"}});
        check_get(store, "h:5000", "alice", "two");
        CHECK(visible(traits, metadata_of(store, "h:5000")) ==
              visible(traits, cred::Metadata{{"pat_b", "3"}, {"pat_c", "4"}}));
        // Fewer attributes than before: none of the old ones may linger.
        add_with(store, "h:5000", "alice", "three", {{"pat_c", "4"}});
        CHECK(visible(traits, metadata_of(store, "h:5000")) ==
              visible(traits, cred::Metadata{{"pat_c", "4"}}));
        add(store, "h:5000", "alice", "four");
        check_get(store, "h:5000", "alice", "four");
        CHECK(visible(traits, metadata_of(store, "h:5000")).empty());
        add_with(store, "h:5000", "bob", "five", {{"pat_d", "5"}});
        check_get(store, "h:5000", "bob", "five");
        CHECK(visible(traits, metadata_of(store, "h:5000")) ==
              visible(traits, cred::Metadata{{"pat_d", "5"}}));
        CHECK(listing(store) == std::map<std::string, std::string>{{"h:5000", "bob"}});
        REQUIRE(store.erase("h:5000").ok());
        check_missing(store, "h:5000");
        add(store, "h:5000", "carol", "six");  // nothing left over from before the erase
        CHECK(visible(traits, metadata_of(store, "h:5000")).empty());
    }
    SECTION("maximum-size metadata names and values round-trip") {
        cred::Metadata metadata;
        for (char c = 'a'; c <= 'm'; ++c) {  // as many entries as TokenInfo writes
            metadata[std::string(1, c) + std::string(31, '_')] =
                utf8_value(cred::k_max_metadata_value, c);
        }
        REQUIRE(metadata.begin()->first.size() == cred::k_max_metadata_name);
        REQUIRE(metadata.begin()->second.size() == cred::k_max_metadata_value);
        add_with(store, "h:5000", "<token>", "pw", metadata);
        CHECK(visible(traits, metadata_of(store, "h:5000")) == visible(traits, metadata));
        add_with(store, "jwt", "u", jwt_like(70000), metadata);
        CHECK(visible(traits, metadata_of(store, "jwt")) == visible(traits, metadata));
        check_get(store, "jwt", "u", jwt_like(70000));
    }
    SECTION("bad metadata is refused with a clear error and nothing changes") {
        const cred::Metadata kept{{"pat_state", "active"}};
        add_with(store, "h:5000", "alice", "kept-secret", kept);
        const std::string long_name(33, 'a');
        const std::vector<std::pair<cred::Metadata, std::string>> cases{
            {{{"Bad", "v"}}, R"(invalid metadata name "Bad": expected 1 to 32 of a-z and _)"},
            {{{"", "v"}}, R"(invalid metadata name "": expected 1 to 32 of a-z and _)"},
            {{{"pat-state", "v"}},
             R"(invalid metadata name "pat-state": expected 1 to 32 of a-z and _)"},
            {{{"pat_1", "v"}}, R"(invalid metadata name "pat_1": expected 1 to 32 of a-z and _)"},
            {{{"pat\n\xC3", "v"}},
             R"(invalid metadata name "pat\x0a\xc3": expected 1 to 32 of a-z and _)"},
            {{{long_name, "v"}},
             "invalid metadata name \"" + long_name + "\": expected 1 to 32 of a-z and _"},
            {{{"server", "evil.example"}},
             R"(invalid metadata name "server": reserved for the keychain item itself)"},
            {{{"username", "mallory"}},
             R"(invalid metadata name "username": reserved for the keychain item itself)"},
            {{{"pat_ok", "fine"}, {"pat_x", std::string(1025, 'v')}},
             R"(metadata value of "pat_x" is longer than 1024 bytes)"},
            {{{"pat_x", "a\0b"s}}, R"(metadata value of "pat_x" is not UTF-8 text without NUL)"},
            {{{"pat_x", "\xC3("}}, R"(metadata value of "pat_x" is not UTF-8 text without NUL)"},
            {{{"pat_x", "\xED\xA0\x80"}},  // a UTF-16 surrogate
             R"(metadata value of "pat_x" is not UTF-8 text without NUL)"},
        };
        for (const auto& [metadata, message] : cases) {
            INFO(message);
            for (const std::string key : {"h:5000", "new.example"}) {
                auto r =
                    store.add(Credentials{key, "mallory", Secret::copy_of("new-secret"), metadata});
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().code == Errc::bad_input);
                CHECK(r.error().message == message);
            }
            check_get(store, "h:5000", "alice", "kept-secret");
            CHECK(visible(traits, metadata_of(store, "h:5000")) == visible(traits, kept));
            check_missing(store, "new.example");
        }
        CHECK(listing(store) == std::map<std::string, std::string>{{"h:5000", "alice"}});
    }
    clear(store);
}

}  // namespace pat::test
