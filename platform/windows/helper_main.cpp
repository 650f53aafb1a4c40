// docker-credential-pat.exe as the Windows build has it so far: the
// credential-helper protocol (src/credentials) over the Credential Manager,
// without the PAT lifecycle, the commands for people and the token-service
// client, which need libraries Debian has no MinGW builds of
// (docs/windows.md "What the Windows build has").
#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "credentials/account_store.hpp"
#include "credentials/cli.hpp"
#include "credentials/protocol.hpp"
#include "windows/credential_manager_store.hpp"

int main(int argc, char** argv) {
    // The protocol is bytes: no CRLF translation, no Ctrl-Z as end of input.
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    std::ios::sync_with_stdio(false);
    try {
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        const int rc = pat::cred::run_cli(
            args,
            []() -> pat::cred::Result<std::unique_ptr<pat::cred::CredentialStore>> {
                // Several accounts per registry, as on Linux (docs/accounts.md).
                pat::cred::StoreConfig config;
                if (const char* account = std::getenv(pat::cred::k_env_account.data());
                    account != nullptr && *account != '\0') {
                    config.account = account;
                }
                return std::unique_ptr<pat::cred::CredentialStore>(pat::cred::with_accounts(
                    pat::platform::make_credential_manager_store(), config));
            },
            std::cin, std::cout);
        std::cout.flush();
        return std::cout ? rc : 1;
    } catch (const std::exception& e) {
        std::cerr << "docker-credential-pat: " << e.what() << '\n';
        pat::cred::write_error(std::cout, "docker-credential-pat: internal error (see stderr)");
        std::cout.flush();
        return 1;
    }
}
