// The conformance suite on the real kernel keyring, plus the keyring's own
// promises (permissions, chunk clean-up, concurrent first use). Each store
// lives in a fresh anonymous session keyring (parent = session), so nothing
// touches the user keyring and parallel tests do not meet.
#include <keyutils.h>
#include <unistd.h>

#include <fstream>
#include <thread>
#include <vector>

#include "conformance/store_conformance.hpp"
#include "linux/kernel_keyring_format.hpp"
#include "linux/kernel_keyring_io.hpp"
#include "linux/kernel_keyring_store.hpp"

namespace {

using namespace pat;
namespace io = pat::platform::keyring_io;

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

TEST_CASE("kernel keyring: keyring and keys grant the owning user full access", "[keyring]") {
    auto store = fresh_session_store();
    add(*store, "h:5000", "pw");
    const io::KeyId ring = our_ring();
    CHECK(perm_of(ring) == "3f3f0000");
    auto head = io::search(ring, "cred:h:5000");
    REQUIRE(head.ok());
    REQUIRE(head->has_value());
    CHECK(perm_of(**head) == "3f3f0000");
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
