#pragma once
// One stored credential: the key docker asks for, the user, and the secret.

#include <string>

#include "common/secret.hpp"

namespace pat::cred {

struct Credentials {
    std::string server_url;  // the key, stored verbatim (protocol.md §2.5)
    std::string username;    // verbatim, including the "<token>" sentinel
    Secret secret;           // binary-safe; may be empty
};

}  // namespace pat::cred
