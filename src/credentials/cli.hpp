#pragma once
// argv handling of docker-credential-pat, upstream >= 0.8 style
// (docs/protocol.md "Process contract"): exactly one argument, the action.

#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string_view>
#include <vector>

#include "credentials/credential_store.hpp"

namespace pat::cred {

// Opens the configured store; called only for store/get/erase/list, so
// `version` and `--help` work even with a broken configuration.
using StoreOpener = std::function<Result<std::unique_ptr<CredentialStore>>()>;

// `args` excludes argv[0]. Returns the exit code; everything goes to `out`
// as one line + "\n":
//   --version | -v | version  -> version line, 0
//   --help | -h               -> usage line, 0
//   store | get | erase | list -> run_action
//   anything else             -> `docker-credential-pat: unknown action: X`, 1
//   zero or 2+ arguments      -> usage line, 1
int run_cli(const std::vector<std::string_view>& args, const StoreOpener& open_store,
            std::istream& in, std::ostream& out);

// `Usage: docker-credential-pat <store|get|erase|list|version>`, no newline.
std::string usage_line();

}  // namespace pat::cred
