#pragma once
// One stored credential: the key docker asks for, the user, and the secret,
// plus non-secret metadata kept next to the secret in the same keychain item.

#include <map>
#include <string>

#include "common/secret.hpp"

namespace pat::cred {

// Non-secret facts about the stored token (scopes, state, uuid, expiry …,
// see tokenclient/token_info.hpp for the keys). Every store round-trips it
// with the item: names match [a-z_]{1,32} (except label, server, username
// and docker_cli, see metadata.hpp), values are UTF-8 without NUL and at
// most 1024 bytes. Items written by other tools (upstream helpers) have
// none. Never put a secret here: keychains show it in clear (seahorse,
// keyctl).
using Metadata = std::map<std::string, std::string>;

struct Credentials {
    std::string server_url;  // the key, stored verbatim (docs/protocol.md "Server keys")
    std::string username;    // verbatim, including the "<token>" sentinel
    Secret secret;           // binary-safe; may be empty
    Metadata metadata;       // may be empty
};

}  // namespace pat::cred
