#include <keyutils.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "linux/kernel_keyring_errors.hpp"
#include "linux/kernel_keyring_format.hpp"
#include "linux/kernel_keyring_store.hpp"
#include "linux/store_factory.hpp"

using namespace pat::platform;
namespace fmt = pat::platform::keyring_format;
using namespace std::string_literals;

TEST_CASE("keyring format: heads round-trip, inline and chunked", "[keyring]") {
    fmt::Head inline_head;
    inline_head.username = "<token>";
    inline_head.inline_secret = "s\0e\xFFz"s;
    inline_head.secret_size = 5;
    auto back = fmt::decode_head(fmt::encode_head(inline_head));
    REQUIRE(back);
    CHECK(back->username == "<token>");
    CHECK(back->inline_secret == "s\0e\xFFz"s);
    CHECK(back->chunk_count == 0);

    fmt::Head chunked;
    chunked.username = "u";
    chunked.secret_size = 1 << 20;
    chunked.chunk_count = 33;
    chunked.generation = 0x0123456789abcdefULL;
    const std::string payload = fmt::encode_head(chunked);
    CHECK(payload.substr(0, 4) == "DCP1");  // no metadata: readable by older helpers
    CHECK(payload.size() == 24 + 1);
    auto c = fmt::decode_head(payload);
    REQUIRE(c);
    CHECK(c->secret_size == 1u << 20);
    CHECK(c->chunk_count == 33);
    CHECK(c->generation == 0x0123456789abcdefULL);
    CHECK(fmt::chunk_description(c->generation, 7) == "chunk:0123456789abcdef:7");
}

TEST_CASE("keyring format: metadata makes a DCP2 head that round-trips", "[keyring]") {
    fmt::Head head;
    head.username = "alice";
    head.inline_secret = "p\0w"s;
    head.secret_size = 3;
    head.metadata = {{"pat_state", "active"}, {"pat_empty", ""}, {"z", std::string(1024, 'v')}};
    const std::string payload = fmt::encode_head(head);
    CHECK(payload.substr(0, 4) == "DCP2");
    CHECK(payload.size() == fmt::head_size_without_secret(head.username, head.metadata) + 3);
    CHECK(payload.size() == 28 + 5 + (1 + 9 + 2 + 6) + (1 + 9 + 2) + (1 + 1 + 2 + 1024) + 3);
    auto back = fmt::decode_head(payload);
    REQUIRE(back);
    CHECK(back->username == "alice");
    CHECK(back->inline_secret == "p\0w"s);
    CHECK(back->metadata == head.metadata);

    head.chunk_count = 2;
    head.secret_size = 40000;
    head.generation = 42;
    auto chunked = fmt::decode_head(fmt::encode_head(head));
    REQUIRE(chunked);
    CHECK(chunked->chunk_count == 2);
    CHECK(chunked->inline_secret.empty());
    CHECK(chunked->metadata == head.metadata);
}

TEST_CASE("keyring format: a DCP1 record written by an older helper reads with no metadata",
          "[keyring]") {
    // Built byte by byte, as the helper before metadata wrote it.
    const std::string payload =
        "DCP1"s + "\x03\0\0\0"s + "\x02\0\0\0"s + "\0\0\0\0"s + "\0\0\0\0\0\0\0\0"s + "bobpw";
    auto head = fmt::decode_head(payload);
    REQUIRE(head);
    CHECK(head->username == "bob");
    CHECK(head->inline_secret == "pw");
    CHECK(head->metadata.empty());
}

TEST_CASE("keyring format: damaged metadata blocks are rejected", "[keyring]") {
    fmt::Head head;
    head.username = "u";
    head.metadata = {{"ab", "xy"}, {"cd", "zw"}};
    const std::string good = fmt::encode_head(head);
    REQUIRE(fmt::decode_head(good));
    const std::size_t block = 28 + 1;  // header + username
    auto with = [&](std::size_t at, std::string_view bytes) {
        std::string p = good;
        p.replace(at, bytes.size(), bytes);
        return p;
    };
    CHECK_FALSE(fmt::decode_head(with(block, "\x09")));      // name runs past the block
    CHECK_FALSE(fmt::decode_head(with(block + 1, "A")));     // not a metadata name
    CHECK_FALSE(fmt::decode_head(with(block + 3, "\x0a")));  // value runs past the block
    CHECK_FALSE(fmt::decode_head(with(block + 8, "aa")));    // "aa" after "ab": not in order
    CHECK_FALSE(fmt::decode_head(with(24, "\x07")));         // block length off by one
    CHECK_FALSE(fmt::decode_head(with(24, "\0"s)));          // block length disagrees
    CHECK_FALSE(fmt::decode_head(good.substr(0, good.size() - 1)));
}

TEST_CASE("keyring format: chunk and pending descriptions name their generation", "[keyring]") {
    constexpr std::uint64_t gen = 0x00ff00ff00ff00ffULL;
    CHECK(fmt::pending_description(gen) == "pending:00ff00ff00ff00ff");
    CHECK(fmt::chunk_generation(fmt::chunk_description(gen, 12)) == gen);
    CHECK(fmt::pending_generation(fmt::pending_description(gen)) == gen);
    // Only exactly these shapes: the sweep must never take a credential key
    // (or anyone else's key) for a chunk.
    CHECK_FALSE(fmt::chunk_generation(fmt::pending_description(gen)));
    CHECK_FALSE(fmt::pending_generation(fmt::chunk_description(gen, 0)));
    CHECK_FALSE(fmt::chunk_generation("cred:chunk:00ff00ff00ff00ff:1"));
    CHECK_FALSE(fmt::chunk_generation("chunk:00ff00ff00ff00f:1"));
    CHECK_FALSE(fmt::chunk_generation("chunk:00ff00ff00ff00fg:1"));
    CHECK_FALSE(fmt::chunk_generation("chunk:00ff00ff00ff00ff"));
    CHECK_FALSE(fmt::pending_generation("pending:00ff00ff00ff00ffx"));
    CHECK_FALSE(fmt::pending_generation("pending:00FF00FF00FF00FF"));
}

TEST_CASE("keyring format: foreign or damaged payloads are rejected", "[keyring]") {
    CHECK_FALSE(fmt::decode_head(""));
    CHECK_FALSE(fmt::decode_head("plain password"));
    fmt::Head head;
    head.username = "user";
    head.inline_secret = "secret";
    head.secret_size = 6;
    std::string payload = fmt::encode_head(head);
    CHECK_FALSE(fmt::decode_head(payload.substr(0, payload.size() - 1)));
    CHECK_FALSE(fmt::decode_head(payload + "x"));
    payload[4] = '\x7f';  // username length beyond the payload
    CHECK_FALSE(fmt::decode_head(payload));
}

TEST_CASE("keyring errors: errno is mapped to clear, distinct errors", "[keyring]") {
    const auto quota = keyring_error(EDQUOT, "storing a credential");
    CHECK(quota.code == pat::cred::Errc::quota_exceeded);
    CHECK(quota.message.rfind("kernel keyring quota exceeded while storing a credential: uid ",
                              0) == 0);
    CHECK(quota.message.find("kernel.keys.") != std::string::npos);
    CHECK(quota.message.find("maxbytes") != std::string::npos);
    CHECK(quota.message.find(" bytes in ") != std::string::npos);

    for (int err : {EACCES, EPERM}) {
        const auto e = keyring_error(err, "opening the keyring");
        CHECK(e.code == pat::cred::Errc::backend);
        CHECK(e.message.rfind("permission denied by the kernel keyring while opening the keyring",
                              0) == 0);
        CHECK(e.message.find("seccomp") != std::string::npos);
    }
    CHECK(keyring_error(ENOSYS, "x").message.find("not available") != std::string::npos);
    CHECK(keyring_error(ENOMEM, "x").message == "the kernel is out of memory for keys while x");
    CHECK(keyring_error(EIO, "x").message.rfind("kernel keyring error while x: ", 0) == 0);
    for (int err : {EDQUOT, EACCES, EPERM, ENOSYS, ENOMEM, EKEYEXPIRED, EKEYREVOKED, EIO, ENOKEY}) {
        const auto e = keyring_error(err, "x");
        CHECK(e.code != pat::cred::Errc::not_found);
        CHECK(e.message.find('\n') == std::string::npos);
    }
}

TEST_CASE("store factory: explicit choices and auto without a session bus", "[factory]") {
    auto env = [](const std::optional<std::string>& bus) {
        return [bus](std::string_view name) -> std::optional<std::string> {
            return name == "DBUS_SESSION_BUS_ADDRESS" ? bus : std::nullopt;
        };
    };
    pat::cred::StoreConfig config;
    config.store = pat::cred::StoreKind::keyring;
    CHECK(choose_store(config, env("unix:path=/x")) == ChosenStore::keyring);
    config.store = pat::cred::StoreKind::secret_service;
    CHECK(choose_store(config, env(std::nullopt)) == ChosenStore::secret_service);
    config.store = pat::cred::StoreKind::automatic;
    CHECK(choose_store(config, env(std::nullopt)) == ChosenStore::keyring);
    CHECK(choose_store(config, env("")) == ChosenStore::keyring);
}
