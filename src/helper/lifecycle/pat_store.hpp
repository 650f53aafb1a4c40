#pragma once
// PatAwareStore: the CredentialStore docker talks to. It wraps the native
// keychain store and adds the PAT lifecycle (docs/lifecycle.md), so protocol.cpp
// stays unchanged:
//  - add: validate with the token service within the deadline and keep the
//    TokenInfo as metadata (with a fresh generation); a password sent to a
//    patd registry is exchanged for an auto-generated PAT (configurable);
//    service down -> stored with state unknown + one warning line.
//  - get: never touches the network. Reads the item, the verdict cache; a
//    revoked/expired token is erased, one line on `warnings` says why, and
//    the answer is not_found. Otherwise appends a use to the spool and asks
//    the flush launcher to run (it decides whether one is due).
//  - erase: also drops the verdict and the spool entries of the key.
//  - a state file that is not safe to use (a symbolic link: someone may
//    have planted it) is never followed, and one line on `warnings` says so;
//    the credential is still answered.
//  - list: hides the helper's own items (keys starting with
//    k_internal_key_prefix, e.g. cached `tokens` sessions).

#include <functional>
#include <iosfwd>
#include <memory>
#include <string_view>

#include "common/clock.hpp"
#include "credentials/credential_store.hpp"
#include "helper/lifecycle/token_item.hpp"
#include "helper/state/usage_spool.hpp"
#include "helper/state/verdict_cache.hpp"
#include "tokenclient/token_service.hpp"

namespace pat::helper {

// The docker CLI's username for an identity (OAuth refresh) token: stored
// without validation (a Basic probe cannot judge it).
inline constexpr std::string_view k_identity_token_username = "<token>";

struct PatStoreDeps {
    cred::CredentialStore& inner;
    tokenclient::TokenService& service;  // only add() uses it
    UsageSpool& spool;
    VerdictCache& verdicts;
    const Clock& clock;
    std::ostream& warnings;               // stderr in production
    std::function<void()> request_flush;  // spawns the detached flush if due
    bool exchange_passwords = true;
};

// Writes "docker-credential-pat: warning: <message>\n" in one write, with
// terminal controls in `message` made visible (common/terminal_text.hpp).
void say_warning(std::ostream& out, std::string_view message);

class PatAwareStore final : public cred::CredentialStore {
  public:
    explicit PatAwareStore(PatStoreDeps deps);

    cred::Result<void> add(const cred::Credentials& credentials) override;
    cred::Result<cred::Credentials> get(std::string_view server_url) override;
    cred::Result<void> erase(std::string_view server_url) override;
    cred::Result<std::map<std::string, std::string>> list() override;

  private:
    PatStoreDeps m_deps;
};

}  // namespace pat::helper
