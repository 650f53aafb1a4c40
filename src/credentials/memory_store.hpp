#pragma once
// An in-memory CredentialStore, for tests only: the reference behaviour the
// conformance suite pins for every real keychain. Never selectable in the
// shipped helper.

#include <map>
#include <optional>
#include <string>

#include "credentials/credential_store.hpp"

namespace pat::cred {

class MemoryStore final : public CredentialStore {
  public:
    Result<void> add(const Credentials& credentials) override;
    Result<Credentials> get(std::string_view server_url) override;
    Result<void> erase(std::string_view server_url) override;
    Result<std::map<std::string, std::string>> list() override;

    // Makes the next add() fail with `error` (and leave the store untouched),
    // so tests can check that a failed replace keeps the old credential.
    void fail_next_add(Error error) { m_next_add_error = std::move(error); }

  private:
    struct Item {
        std::string username;
        Secret secret;
        Metadata metadata;
    };
    std::map<std::string, Item, std::less<>> m_items;
    std::optional<Error> m_next_add_error;
};

}  // namespace pat::cred
