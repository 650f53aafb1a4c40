// The conformance suite on the real kernel keyring, plus the keyring's own
// promises (permissions, chunk clean-up, concurrent first use). Each store
// lives in a fresh anonymous session keyring (parent = session), so nothing
// touches the user keyring and parallel tests do not meet.
#include <keyutils.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "conformance/store_conformance.hpp"
#include "linux/kernel_keyring_format.hpp"
#include "linux/kernel_keyring_io.hpp"
#include "linux/kernel_keyring_store.hpp"
#include "linux/store_factory.hpp"

namespace {

using namespace pat;
using namespace std::string_literals;
namespace io = pat::platform::keyring_io;
namespace fmt = pat::platform::keyring_format;

long quota_bytes();

}  // namespace

namespace pat::test {
std::optional<std::string> store_unreachable_reason() {
    if (auto reason = platform::kernel_keyring_unavailable_reason()) return reason;
    // The suite stores secrets of up to 1 MiB; an ordinary user's default
    // quota (kernel.keys.maxbytes = 20000) cannot hold them. The quota error
    // itself is covered by tests/blackbox/keyring_user_test.sh.
    if (quota_bytes() < 4L * 1024 * 1024) {
        return "the kernel key quota of this user (" + std::to_string(quota_bytes()) +
               " bytes) is too small for the suite; run as root or raise kernel.keys.maxbytes";
    }
    return std::nullopt;
}
}  // namespace pat::test

namespace {

std::unique_ptr<cred::CredentialStore> fresh_session_store() {
    REQUIRE(keyctl_join_session_keyring(nullptr) >= 0);
    return platform::make_kernel_keyring_store({cred::KeyringParent::session});
}

long quota_bytes() {
    std::ifstream f(::geteuid() == 0 ? "/proc/sys/kernel/keys/root_maxbytes"
                                     : "/proc/sys/kernel/keys/maxbytes");
    long bytes = 0;
    f >> bytes;
    return bytes;
}

test::ConformanceTraits keyring_traits() {
    test::ConformanceTraits traits;
    // Replacing needs room for the old and the new secret at once.
    traits.supports_1mib_secret = quota_bytes() > 3L * 1024 * 1024;
    traits.large_secret_error = cred::Errc::quota_exceeded;
    traits.large_secret_message_prefix = "kernel keyring quota exceeded";
    return traits;
}

io::KeyId our_ring() {
    auto ring = io::find_keyring(KEY_SPEC_SESSION_KEYRING, platform::k_keyring_name);
    REQUIRE(ring.ok());
    REQUIRE(ring->has_value());
    return **ring;
}

// Descriptions of the live keys in our keyring (invalidated keys may linger
// until the kernel's garbage collector runs, but can no longer be described).
std::vector<std::string> live_keys() {
    std::vector<std::string> out;
    auto ids = io::links(our_ring());
    REQUIRE(ids.ok());
    for (io::KeyId id : *ids) {
        if (auto d = io::describe(id)) out.push_back(d->description);
    }
    return out;
}

std::string perm_of(io::KeyId id) {
    char* raw = nullptr;
    REQUIRE(keyctl_describe_alloc(id, &raw) >= 0);
    std::string text(raw);
    std::free(raw);
    // type;uid;gid;perm;description
    auto a = text.find(';', text.find(';', text.find(';') + 1) + 1);
    return text.substr(a + 1, text.find(';', a + 1) - a - 1);
}

void add(cred::CredentialStore& store, const std::string& key, std::string_view secret) {
    auto r = store.add(cred::Credentials{key, "u", Secret::copy_of(secret), {}});
    INFO((r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
}

}  // namespace

PAT_STORE_CONFORMANCE("kernel keyring", fresh_session_store, keyring_traits())

TEST_CASE("kernel keyring: in session mode, keyring and keys grant the possessor only",
          "[keyring]") {
    // Other processes of the same user outside the session get nothing, not
    // even "view" (tests/blackbox/keyring_session_test.sh tries from there).
    auto store = fresh_session_store();
    add(*store, "h:5000", "pw");
    add(*store, "big", std::string(40000, 'b'));  // a chunked secret
    const io::KeyId ring = our_ring();
    CHECK(perm_of(ring) == "3f000000");
    auto ids = io::links(ring);
    REQUIRE(ids.ok());
    REQUIRE(ids->size() == 4);  // two heads, two chunks
    for (io::KeyId id : *ids) CHECK(perm_of(id) == "3f000000");
    // User mode (covered for real by tests/blackbox/keyring_user_test.sh):
    // possessor and owning user, because a session that does not link @u
    // does not possess what it finds there.
    CHECK(io::permissions(cred::KeyringParent::user) == (KEY_POS_ALL | KEY_USR_ALL));
    CHECK(io::permissions(cred::KeyringParent::session) == KEY_POS_ALL);
}

TEST_CASE("kernel keyring: large secrets are chunked and chunks never leak", "[keyring]") {
    auto store = fresh_session_store();
    const std::string big(100000, 'b');
    add(*store, "h", big);
    CHECK(live_keys().size() == 5);  // head + ceil(100000 / 32767) chunks
    add(*store, "h", std::string(70000, 'c'));
    CHECK(live_keys().size() == 4);  // old chunks dropped
    add(*store, "h", "small");
    CHECK(live_keys() == std::vector<std::string>{"cred:h"});
    add(*store, "h", big);
    REQUIRE(store->erase("h").ok());
    CHECK(live_keys().empty());
}

TEST_CASE("kernel keyring: a foreign item is a clear error, not a crash", "[keyring]") {
    auto store = fresh_session_store();
    add(*store, "mine", "pw");
    const io::KeyId ring = our_ring();
    REQUIRE(add_key("user", "cred:foreign", "plain", 5, ring) >= 0);
    auto got = store->get("foreign");
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == cred::Errc::backend);
    CHECK(got.error().message.find("not written by docker-credential-pat") != std::string::npos);
    auto listed = store->list();
    REQUIRE(listed.ok());
    CHECK(listed->count("foreign") == 0);  // list only shows keys that work with get
    CHECK(store->erase("foreign").ok());
}

TEST_CASE("kernel keyring: concurrent first stores share one keyring", "[keyring]") {
    auto store = fresh_session_store();  // joins a fresh, empty session
    std::vector<std::thread> threads;
    threads.reserve(8);
    std::vector<std::string> errors(8);
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([i, &errors] {
            auto own = platform::make_kernel_keyring_store({cred::KeyringParent::session});
            auto r =
                own->add(cred::Credentials{"h" + std::to_string(i), "u", Secret::copy_of("s"), {}});
            if (!r) errors[static_cast<std::size_t>(i)] = r.error().message;
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) CHECK(e.empty());
    auto listed = store->list();
    REQUIRE(listed.ok());
    CHECK(listed->size() == 8);
}

TEST_CASE("kernel keyring: DCP1 items of the helper before metadata still read", "[keyring]") {
    auto store = fresh_session_store();
    add(*store, "mine", "pw");  // creates our keyring
    const io::KeyId ring = our_ring();
    auto put_raw = [&](const std::string& description, const std::string& payload) {
        auto id = io::create_and_move(description, payload, ring);
        REQUIRE(id.ok());
    };
    // Inline: "DCP1", username_len 3, secret_len 2, no chunks, generation 0.
    put_raw("cred:old.example", "DCP1\x03\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0bobpw"s);
    // Chunked over two keys of generation 0x1f.
    const std::string piece_a(32767, 'a'), piece_b(5, 'b');
    put_raw(fmt::chunk_description(0x1f, 0), piece_a);
    put_raw(fmt::chunk_description(0x1f, 1), piece_b);
    put_raw("cred:big.example", "DCP1\x03\0\0\0\x04\x80\0\0\x02\0\0\0\x1f\0\0\0\0\0\0\0eve"s);

    auto old = store->get("old.example");
    REQUIRE(old.ok());
    CHECK(old->username == "bob");
    CHECK(old->secret.reveal() == "pw");
    CHECK(old->metadata.empty());
    auto big = store->get("big.example");
    INFO((big.ok() ? "" : big.error().message));
    REQUIRE(big.ok());
    CHECK(big->username == "eve");
    CHECK(big->secret.reveal() == piece_a + piece_b);
    CHECK(big->metadata.empty());
    CHECK(store->list()->size() == 3);

    // Replacing one gives it metadata and drops its old chunks.
    auto r = store->add(
        cred::Credentials{"big.example", "eve", Secret::copy_of("new"), {{"pat_state", "active"}}});
    REQUIRE(r.ok());
    CHECK(store->get("big.example")->metadata == cred::Metadata{{"pat_state", "active"}});
    auto keys = live_keys();
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"cred:big.example", "cred:mine", "cred:old.example"});
}

TEST_CASE("kernel keyring: username plus metadata beyond one key is refused, nothing stored",
          "[keyring]") {
    auto store = fresh_session_store();
    add(*store, "h", "kept");
    cred::Metadata huge;
    for (char c = 'a'; c <= 'z'; ++c) {
        for (char d = 'a'; d <= 'b'; ++d) huge[std::string{c, d}] = std::string(1024, 'v');
    }
    auto r = store->add(cred::Credentials{"h", "u", Secret::copy_of("new"), huge});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == cred::Errc::too_large);
    CHECK(r.error().message ==
          "username and metadata too long for the kernel keyring: at most 32739 bytes together");
    auto got = store->get("h");
    REQUIRE(got.ok());
    CHECK(got->secret.reveal() == "kept");
    CHECK(got->metadata.empty());
}

TEST_CASE("kernel keyring: a store with a time-out forgets the credential and its chunks",
          "[keyring][timeout]") {
    auto plain = fresh_session_store();
    cred::StoreConfig config;
    config.keyring = cred::KeyringParent::session;
    // What `ci login --ttl` uses.
    auto timed = platform::make_keyring_store(config, std::chrono::seconds(1));
    const std::string big(100000, 'x');
    REQUIRE(timed->add(cred::Credentials{"small", "u", Secret::copy_of("s"), {{"pat_a", "1"}}}));
    REQUIRE(timed->add(cred::Credentials{"big", "u", Secret::copy_of(big), {}}));
    REQUIRE(timed->add(cred::Credentials{"kept", "u", Secret::copy_of("k"), {}}));
    add(*plain, "kept", "k2");  // a later store without time-out makes it permanent
    CHECK(timed->get("small")->secret.reveal() == "s");
    CHECK(plain->get("big")->secret.reveal() == big);
    CHECK(live_keys().size() == 7);  // small, kept, big + 4 chunks

    // The kernel drops expired keys on its own clock: poll, bounded.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto gone = [&] { return !plain->get("small").ok() && !plain->get("big").ok(); };
    while (!gone() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto small = plain->get("small");
    REQUIRE_FALSE(small.ok());
    CHECK(small.error().code == cred::Errc::not_found);
    auto big_gone = plain->get("big");
    REQUIRE_FALSE(big_gone.ok());
    CHECK(big_gone.error().code == cred::Errc::not_found);
    CHECK(live_keys() == std::vector<std::string>{"cred:kept"});  // no chunk outlives its head
    CHECK(plain->get("kept")->secret.reveal() == "k2");
    auto listed = plain->list();
    REQUIRE(listed.ok());
    CHECK(*listed == std::map<std::string, std::string>{{"kept", "u"}});
}
