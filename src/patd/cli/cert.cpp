// `patd cert`: the signing certificate for the registry's rootcertbundle
// (generated with the key on first use, like `patd serve` does).
#include <ostream>

#include "patd/cli/commands.hpp"
#include "patd/config/data_dir.hpp"

namespace pat::patd::cli {

int cmd_cert(config::Config& config, std::ostream& out) {
    auto signing =
        config::load_or_create_signing(config.data_dir, config.signing_key, config.signing_cert);
    if (!signing) {
        say(signing.error());
        return 1;
    }
    wipe_string(signing->material.key_pem);
    out << signing->material.cert_pem;
    return out ? 0 : 1;
}

}  // namespace pat::patd::cli
