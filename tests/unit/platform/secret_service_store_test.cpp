// The Secret Service store against the real gnome-keyring started by
// tests/lib/with-keyring.sh. Keys carry a random suffix: the keyring is shared
// with tests running in parallel.
#include "linux/secret_service_store.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <random>

#include "linux/secret_service/service.hpp"

using pat::Secret;
using pat::cred::Credentials;
using pat::cred::Errc;

namespace {

std::string unique_key(const std::string& base) {
    static std::mt19937_64 rng{std::random_device{}()};
    return base + "-" + std::to_string(rng());
}

Credentials creds(const std::string& key, const std::string& user, std::string_view secret) {
    return Credentials{key, user, Secret::copy_of(secret), {}};
}

std::unique_ptr<pat::cred::CredentialStore> store() {
    return pat::platform::make_secret_service_store({});
}

pat::platform::ss::Service service() {
    auto s = pat::platform::ss::Service::open(std::chrono::milliseconds(3000), false);
    INFO((s.ok() ? std::string() : s.error().message));
    REQUIRE(s.ok());
    return std::move(s).value();
}

pat::platform::ss::Attributes upstream_attributes(const std::string& key, const std::string& user) {
    return {{"xdg:schema", "io.docker.Credentials"},
            {"label", "Docker Credentials"},
            {"server", key},
            {"username", user},
            {"docker_cli", "1"}};
}

// An item exactly as upstream's helper writes it, in the default collection.
void create_upstream_item(pat::platform::ss::Service& s, const std::string& key,
                          const std::string& user, std::string_view secret) {
    auto collection = s.writable_collection("");
    REQUIRE(collection.ok());
    REQUIRE(s.create_item(collection.value(), key, upstream_attributes(key, user),
                          Secret::copy_of(secret))
                .ok());
}

std::size_t items_for(const std::string& key) {
    auto found = service().search(
        {{"xdg:schema", "io.docker.Credentials"}, {"server", key}, {"docker_cli", "1"}});
    INFO((found.ok() ? std::string() : found.error().message));
    REQUIRE(found.ok());
    return found.value().unlocked.size() + found.value().locked.size();
}

}  // namespace

TEST_CASE("Secret Service: store then get returns the credential", "[secret-service]") {
    const auto key = unique_key("registry.example.com");
    REQUIRE(store()->add(creds(key, "alice", "s3cret")).ok());
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK(got.value().server_url == key);
    CHECK(got.value().username == "alice");
    CHECK(got.value().secret.reveal() == "s3cret");
    REQUIRE(store()->erase(key).ok());
}

TEST_CASE("Secret Service: secrets are binary-safe and may be empty", "[secret-service]") {
    const auto key = unique_key("binary.example.com");
    const std::string binary("p\0ä\xff\n", 6);
    REQUIRE(store()->add(creds(key, "<token>", binary)).ok());
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK(got.value().username == "<token>");
    CHECK(got.value().secret.reveal() == binary);
    REQUIRE(store()->add(creds(key, "bob", "")).ok());
    got = store()->get(key);
    INFO((got.ok() ? std::string() : got.error().message));
    REQUIRE(got.ok());
    CHECK(got.value().secret.empty());
    REQUIRE(store()->erase(key).ok());
}

TEST_CASE("Secret Service: a missing key is not found", "[secret-service]") {
    auto got = store()->get(unique_key("missing.example.com"));
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == Errc::not_found);
    CHECK(got.error().message == "credentials not found in native keychain");
}

TEST_CASE("Secret Service: store replaces, even when the username changes", "[secret-service]") {
    const auto key = unique_key("replace.example.com");
    REQUIRE(store()->add(creds(key, "alice", "one")).ok());
    REQUIRE(store()->add(creds(key, "alice", "two")).ok());
    CHECK(items_for(key) == 1);
    REQUIRE(store()->add(creds(key, "bob", "three")).ok());
    CHECK(items_for(key) == 1);
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK(got.value().username == "bob");
    CHECK(got.value().secret.reveal() == "three");
    auto listed = store()->list();
    REQUIRE(listed.ok());
    CHECK(listed.value().at(key) == "bob");
    REQUIRE(store()->erase(key).ok());
}

TEST_CASE("Secret Service: erase removes every item and succeeds on nothing", "[secret-service]") {
    const auto key = unique_key("erase.example.com");
    const auto other = unique_key("keep.example.com");
    // Upstream leaves one item per username behind; make two that way.
    auto s = service();
    auto collection = s.writable_collection("");
    REQUIRE(collection.ok());
    for (const char* user : {"alice", "bob"}) {
        REQUIRE(s.create_item(collection.value(), key, upstream_attributes(key, user),
                              Secret::copy_of("x"))
                    .ok());
    }
    REQUIRE(store()->add(creds(other, "carol", "keep")).ok());
    CHECK(items_for(key) == 2);
    REQUIRE(store()->erase(key).ok());
    CHECK(items_for(key) == 0);
    CHECK(store()->get(key).error().code == Errc::not_found);
    CHECK(store()->erase(key).error().code == Errc::not_found);  // nothing left: said so
    auto kept = store()->get(other);
    INFO((kept.ok() ? std::string() : kept.error().message));
    CHECK(kept.ok());
    REQUIRE(store()->erase(other).ok());
}

TEST_CASE("Secret Service: with upstream duplicates, get takes the newest, store collapses",
          "[secret-service]") {
    const auto key = unique_key("dupes.example.com");
    auto s = service();
    create_upstream_item(s, key, "old", "1");
    create_upstream_item(s, key, "new", "2");
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK((got.value().username == "new" || got.value().username == "old"));
    REQUIRE(store()->add(creds(key, "final", "3")).ok());
    CHECK(items_for(key) == 1);
    CHECK(store()->get(key).value().username == "final");
    REQUIRE(store()->erase(key).ok());
}

TEST_CASE("Secret Service: list keys come from the server attribute, foreign items are not listed",
          "[secret-service]") {
    const auto key = unique_key("https://list.example.com/v1/");
    const auto foreign = unique_key("foreign");
    REQUIRE(store()->add(creds(key, "alice", "pw")).ok());
    auto s = service();
    auto collection = s.writable_collection("");
    REQUIRE(collection.ok());
    // What `secret-tool store label 'Docker Credentials' server X username Y`
    // writes: the upstream attributes but no schema.
    auto foreign_item = s.create_item(
        collection.value(), "x",
        {{"label", "Docker Credentials"}, {"server", foreign}, {"username", "mallory"}},
        Secret::copy_of("nope"));
    REQUIRE(foreign_item.ok());
    auto listed = store()->list();
    REQUIRE(listed.ok());
    CHECK(listed.value().count(key) == 1);
    CHECK(listed.value().at(key) == "alice");
    CHECK(listed.value().count(foreign) == 0);
    CHECK(listed.value().count("Registry credentials for " + key) == 0);
    for (const auto& [server, user] : listed.value()) CHECK(store()->get(server).ok());
    CHECK(store()->get(foreign).error().code == Errc::not_found);
    REQUIRE(store()->erase(key).ok());
    REQUIRE(s.delete_items({foreign_item.value()}).ok());
}

TEST_CASE("Secret Service: keys that are not UTF-8 are never stored, found or erased",
          "[secret-service]") {
    const auto key = unique_key("utf8.example.com");
    REQUIRE(store()->add(creds(key, "alice", "pw")).ok());
    const std::string bad = key + "\xff";
    auto added = store()->add(creds(bad, "alice", "pw"));
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == Errc::bad_input);
    CHECK(store()->add(creds(key, "bad\xfe", "pw")).error().code == Errc::bad_input);
    CHECK(store()->get(bad).error().code == Errc::not_found);
    CHECK(store()->erase(bad).error().code == Errc::not_found);
    CHECK(store()->get(key).value().username == "alice");  // untouched
    REQUIRE(store()->erase(key).ok());
}

TEST_CASE(
    "Secret Service: metadata is extra attributes on the upstream schema; upstream items "
    "read with none",
    "[secret-service][metadata]") {
    const auto key = unique_key("meta.example.com");
    auto s = service();
    create_upstream_item(s, key, "alice", "theirs");
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK(got.value().secret.reveal() == "theirs");
    CHECK(got.value().metadata.empty());

    const pat::cred::Metadata metadata{{"pat_state", "active"}, {"pat_scopes", "repo:read"}};
    REQUIRE(store()->add(Credentials{key, "alice", Secret::copy_of("ours"), metadata}).ok());
    CHECK(items_for(key) == 1);  // the upstream item was replaced
    auto found = s.search({{"server", key}});
    REQUIRE(found.ok());
    auto infos = s.item_infos(found.value().unlocked);
    REQUIRE(infos.ok());
    REQUIRE(infos.value().size() == 1);
    auto expected = upstream_attributes(key, "alice");
    expected.insert(metadata.begin(), metadata.end());
    CHECK(infos.value()[0].attributes == expected);
    CHECK(store()->get(key).value().metadata == metadata);
    REQUIRE(store()->erase(key).ok());
    CHECK(items_for(key) == 0);
}

namespace {

constexpr const char* k_upstream = "/usr/bin/docker-credential-secretservice";

// Runs upstream's helper with `input` on stdin; its stdout.
std::string upstream(const std::string& action, const std::string& input) {
    const std::string command =
        "printf '%s' '" + input + "' | " + k_upstream + " " + action + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, pipe.get()) != nullptr) out += buf;
    return out;
}

}  // namespace

TEST_CASE("Secret Service: upstream's helper reads, replaces and erases items with metadata",
          "[secret-service][metadata]") {
    // Installed by packaging/install-deps.sh test (golang-docker-credential-helpers).
    REQUIRE(::access(k_upstream, X_OK) == 0);
    const auto key = unique_key("interop-meta.example.com");
    REQUIRE(store()
                ->add(Credentials{key,
                                  "alice",
                                  Secret::copy_of("ours"),
                                  {{"pat_state", "active"}, {"pat_gen", "g1"}}})
                .ok());
    CHECK(upstream("get", key) ==
          R"({"ServerURL":")" + key + R"(","Username":"alice","Secret":"ours"})" + "\n");

    // Upstream stores beside ours (its replace matches its own attributes
    // only); ours then reads the newest, upstream's, without metadata.
    CHECK(upstream("store",
                   R"({"ServerURL":")" + key + R"(","Username":"bob","Secret":"theirs"})") == "");
    auto got = store()->get(key);
    REQUIRE(got.ok());
    CHECK(got.value().username == "bob");
    CHECK(got.value().secret.reveal() == "theirs");
    CHECK(got.value().metadata.empty());

    REQUIRE(store()
                ->add(Credentials{key, "carol", Secret::copy_of("again"), {{"pat_state", "x"}}})
                .ok());
    CHECK(items_for(key) == 1);
    CHECK(upstream("erase", key) == "");
    CHECK(items_for(key) == 0);
    CHECK(store()->get(key).error().code == Errc::not_found);
}
