// Several accounts per registry (credentials/account_store.hpp,
// docs/accounts.md) over each store of the conformance suite: the account
// layer is the same code on every store, so these cases pin what each
// store must give it (account keys stored, listed and erased like any key).
#include <string>
#include <vector>

#include "conformance/store_conformance.hpp"
#include "credentials/account_store.hpp"

namespace pat::test {
namespace {

using cred::Account;
using cred::AccountStore;
using cred::Credentials;
using cred::Errc;

void clear(cred::CredentialStore& raw) {
    auto entries = raw.list();
    REQUIRE(entries.ok());
    for (const auto& [key, user] : *entries) REQUIRE(raw.erase(key).ok());
}

void add(cred::CredentialStore& store, const std::string& key, const std::string& user,
         std::string_view secret, cred::Metadata metadata = {}) {
    auto r = store.add(Credentials{key, user, Secret::copy_of(secret), std::move(metadata)});
    INFO(key << " " << user << " " << (r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
}

void check_get(cred::CredentialStore& store, const std::string& key, const std::string& user,
               std::string_view secret) {
    auto got = store.get(key);
    INFO(key << " " << (got.ok() ? "" : got.error().message));
    REQUIRE(got.ok());
    CHECK(got->server_url == key);
    CHECK(got->username == user);
    CHECK(got->secret.reveal() == secret);
}

void check_missing(cred::CredentialStore& store, const std::string& key) {
    auto got = store.get(key);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == Errc::not_found);
}

// "name" for an unselected account, "*name" for the selected one, ">" in
// front when it is the one in use but not the selected one.
std::vector<std::string> accounts_of(AccountStore& store, const std::string& server) {
    auto all = store.accounts();
    INFO((all.ok() ? "" : all.error().message));
    REQUIRE(all.ok());
    std::vector<std::string> out;
    auto it = all->find(server);
    if (it == all->end()) return out;
    for (const Account& a : it->second) {
        std::string mark = a.selected ? "*" : (a.in_use ? ">" : "");
        if (a.selected && !a.in_use) mark = "-*";  // selected, not answered here
        out.push_back(mark + a.username);
    }
    return out;
}

std::map<std::string, std::string> listing(cred::CredentialStore& store) {
    auto entries = store.list();
    INFO((entries.ok() ? "" : entries.error().message));
    REQUIRE(entries.ok());
    return *entries;
}

// The same keychain as another store, without owning it: an AccountStore
// with an override over the suite's store.
class Borrowed final : public cred::CredentialStore {
  public:
    explicit Borrowed(cred::CredentialStore& store) : m_store(store) {}
    cred::Result<void> add(const Credentials& c) override { return m_store.add(c); }
    cred::Result<Credentials> get(std::string_view key) override { return m_store.get(key); }
    cred::Result<void> erase(std::string_view key) override { return m_store.erase(key); }
    cred::Result<std::map<std::string, std::string>> list() override { return m_store.list(); }

  private:
    cred::CredentialStore& m_store;
};

// Empties the keychain when a section ends, however it ends: the Windows
// run goes on in the same Credential Manager with the black-box suite,
// which starts from an empty store.
struct EmptiedAfter {
    explicit EmptiedAfter(cred::CredentialStore& store) : raw(store) {}
    EmptiedAfter(const EmptiedAfter&) = delete;
    EmptiedAfter& operator=(const EmptiedAfter&) = delete;
    ~EmptiedAfter() {
        auto entries = raw.list();
        if (!entries) return;
        for (const auto& [key, user] : *entries) (void)raw.erase(key);
    }
    cred::CredentialStore& raw;
};

using Strings = std::vector<std::string>;
using Listing = std::map<std::string, std::string>;

}  // namespace

void check_account_conformance(const StoreFactory& make_store, const ConformanceTraits& traits) {
    if (!traits.account_layer_over_it) {
        WARN("the account layer does not go over this store");
        return;
    }
    AccountStore store(make_store());
    clear(store.inner());
    const EmptiedAfter emptied(store.inner());
    const std::string reg = "registry.example.com";
    const std::string other = "other.example.com";

    SECTION("a second username keeps both; the last one stored is selected") {
        add(store, reg, "alice", "alice-secret", {{"note", "work"}});
        add(store, reg, "bob", "bob-secret");
        check_get(store, reg, "bob", "bob-secret");
        CHECK(listing(store) == Listing{{reg, "bob"}});
        CHECK(accounts_of(store, reg) == Strings{"alice", "*bob"});
        REQUIRE(store.select(reg, "alice").ok());
        check_get(store, reg, "alice", "alice-secret");
        CHECK(listing(store) == Listing{{reg, "alice"}});
        auto got = store.get(reg);
        REQUIRE(got.ok());
        cred::Metadata metadata = got->metadata;
        std::erase_if(metadata,
                      [&](const auto& e) { return traits.own_metadata_names.count(e.first); });
        CHECK(metadata == cred::Metadata{{"note", "work"}});  // moved twice, kept
        CHECK(accounts_of(store, reg) == Strings{"*alice", "bob"});
    }

    SECTION("storing a known username again selects it with the new secret, no duplicate") {
        add(store, reg, "alice", "old");
        add(store, reg, "bob", "bob-secret");
        add(store, reg, "alice", "new");
        check_get(store, reg, "alice", "new");
        CHECK(accounts_of(store, reg) == Strings{"*alice", "bob"});
        REQUIRE(store.select(reg, "bob").ok());
        REQUIRE(store.select(reg, "alice").ok());
        check_get(store, reg, "alice", "new");
        add(store, reg, "alice", "newer");  // the selected one, replaced in place
        check_get(store, reg, "alice", "newer");
        CHECK(accounts_of(store, reg) == Strings{"*alice", "bob"});
    }

    SECTION("erase removes the selected account only; then none is selected") {
        add(store, reg, "alice", "alice-secret");
        add(store, reg, "bob", "bob-secret");
        add(store, other, "carol", "carol-secret");
        REQUIRE(store.erase(reg).ok());
        check_missing(store, reg);
        CHECK(listing(store) == Listing{{other, "carol"}});
        CHECK(accounts_of(store, reg) == Strings{"alice"});
        auto again = store.erase(reg);
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().code == Errc::not_found);
        REQUIRE(store.select(reg, "alice").ok());
        check_get(store, reg, "alice", "alice-secret");
        check_get(store, other, "carol", "carol-secret");
    }

    SECTION("remove takes one account; unknown names change nothing") {
        add(store, reg, "alice", "alice-secret");
        add(store, reg, "bob", "bob-secret");
        for (const char* name : {"mallory", "Alice", "alice ", ""}) {
            auto used = store.select(reg, name);
            REQUIRE_FALSE(used.ok());
            CHECK(used.error().code == Errc::bad_input);
            CHECK(used.error().message.find(reg) != std::string::npos);
            auto removed = store.remove(reg, name);
            REQUIRE_FALSE(removed.ok());
            CHECK(removed.error().code == Errc::bad_input);
        }
        auto elsewhere = store.select(other, "alice");
        REQUIRE_FALSE(elsewhere.ok());
        CHECK(elsewhere.error().code == Errc::bad_input);
        CHECK(accounts_of(store, reg) == Strings{"alice", "*bob"});
        check_get(store, reg, "bob", "bob-secret");
        REQUIRE(store.remove(reg, "alice").ok());
        CHECK(accounts_of(store, reg) == Strings{"*bob"});
        check_get(store, reg, "bob", "bob-secret");
        REQUIRE(store.remove(reg, "bob").ok());
        CHECK(accounts_of(store, reg).empty());
        check_missing(store, reg);
        CHECK(listing(store).empty());
    }

    SECTION("the override answers its account where the registry has one") {
        add(store, reg, "alice", "alice-secret");
        add(store, reg, "bob", "bob-secret");
        add(store, other, "carol", "carol-secret");
        AccountStore as_alice(std::make_unique<Borrowed>(store.inner()), "alice");
        check_get(as_alice, reg, "alice", "alice-secret");
        check_get(as_alice, other, "carol", "carol-secret");  // no alice there
        CHECK(listing(as_alice) == Listing{{reg, "alice"}, {other, "carol"}});
        CHECK(accounts_of(as_alice, reg) == Strings{">alice", "-*bob"});
        add(as_alice, reg, "alice", "alice-renewed");  // refreshed in place
        check_get(as_alice, reg, "alice", "alice-renewed");
        check_get(store, reg, "bob", "bob-secret");  // the selection is unchanged
        REQUIRE(as_alice.erase(reg).ok());           // the account it answered
        check_get(store, reg, "bob", "bob-secret");
        CHECK(accounts_of(store, reg) == Strings{"*bob"});
        check_get(as_alice, reg, "bob", "bob-secret");  // no alice any more
    }

    SECTION("an item stored without the account layer is the selected account") {
        // What upstream's helpers and earlier versions left: one plain item.
        add(store.inner(), reg, "alice", "alice-secret");
        CHECK(accounts_of(store, reg) == Strings{"*alice"});
        check_get(store, reg, "alice", "alice-secret");
        add(store, reg, "bob", "bob-secret");
        CHECK(accounts_of(store, reg) == Strings{"alice", "*bob"});
        REQUIRE(store.select(reg, "alice").ok());
        check_get(store.inner(), reg, "alice", "alice-secret");  // as upstream reads it
    }

    SECTION("a copy left by an interrupted switch is not a second account") {
        add(store, reg, "alice", "alice-secret");
        add(store.inner(), cred::account_key(reg, "alice"), "alice", "stale");
        CHECK(accounts_of(store, reg) == Strings{"*alice"});
        check_get(store, reg, "alice", "alice-secret");
        add(store, reg, "bob", "bob-secret");  // parks alice over the stale copy
        REQUIRE(store.select(reg, "alice").ok());
        check_get(store, reg, "alice", "alice-secret");
        REQUIRE(store.remove(reg, "alice").ok());  // and its copy with it
        CHECK(accounts_of(store, reg) == Strings{"bob"});
    }

    SECTION("usernames and keys with separators stay apart") {
        add(store, reg, "a:b", "1");
        add(store, reg, "a%3Ab", "2");
        add(store, reg, "<token>", "3");
        add(store, reg, "A:B", "5");  // case matters, even where key names ignore it
        add(store, reg + "/v2", "a:b", "4");
        CHECK(accounts_of(store, reg) == Strings{"<token>", "*A:B", "a%3Ab", "a:b"});
        REQUIRE(store.select(reg, "a:b").ok());
        check_get(store, reg, "a:b", "1");
        REQUIRE(store.select(reg, "a%3Ab").ok());
        check_get(store, reg, "a%3Ab", "2");
        REQUIRE(store.select(reg, "A:B").ok());
        check_get(store, reg, "A:B", "5");
        check_get(store, reg + "/v2", "a:b", "4");
        CHECK(listing(store) == Listing{{reg, "A:B"}, {reg + "/v2", "a:b"}});
    }
}

}  // namespace pat::test
