#pragma once
// patd's command line (docs/patd-http.md): serve, user add|2fa|list, cert,
// --version, --help. `run` is what main calls; it returns the exit code
// (0 ok, 1 failure, 2 usage error) and reports errors on stderr.

#include <iosfwd>
#include <string>
#include <vector>

namespace pat::patd::cli {

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out);

}  // namespace pat::patd::cli
