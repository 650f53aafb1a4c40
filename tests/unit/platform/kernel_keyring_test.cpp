#include <keyutils.h>

#include <catch2/catch.hpp>
#include <cerrno>

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
    CHECK(payload.size() == fmt::k_header_size + 1);
    auto c = fmt::decode_head(payload);
    REQUIRE(c);
    CHECK(c->secret_size == 1u << 20);
    CHECK(c->chunk_count == 33);
    CHECK(c->generation == 0x0123456789abcdefULL);
    CHECK(fmt::chunk_description(c->generation, 7) == "chunk:0123456789abcdef:7");
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
