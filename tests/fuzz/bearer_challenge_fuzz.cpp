// Fuzz target: the WWW-Authenticate parser (tokenclient/registry_probe.hpp)
// that reads a registry's Bearer challenge, and the realm rule applied to
// what it returns. Promises checked: a parsed challenge has a realm; parsing
// is a pure function (twice the same answer); the realm rule answers for
// any realm without crashing, and never accepts a realm that is not an
// http(s) URL.
#include <cctype>
#include <string>

#include "fuzz_check.hpp"
#include "tokenclient/registry_probe.hpp"

using namespace pat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header = fuzz::as_text(data, size);
    const auto challenge = tokenclient::parse_bearer_challenge(header);
    const auto again = tokenclient::parse_bearer_challenge(header);
    fuzz::check(challenge.has_value() == again.has_value(), "parsing is deterministic");
    if (!challenge) return 0;
    fuzz::check(!challenge->realm.empty(), "a parsed challenge has a realm");
    fuzz::check(challenge->realm == again->realm && challenge->service == again->service,
                "parsing is deterministic");

    for (const std::string_view key : {"registry.example", "localhost:5000", "127.0.0.1:5000"}) {
        const std::string base = tokenclient::registry_base_url(key);
        if (tokenclient::realm_is_acceptable(base, challenge->realm)) {
            // Schemes are case-insensitive (RFC 3986 §3.1): "HTTPS://" counts.
            std::string realm = challenge->realm.substr(0, 8);
            for (char& c : realm)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            fuzz::check(realm.starts_with("https://") || realm.starts_with("http://"),
                        "an accepted realm is an http(s) URL");
        }
    }
    return 0;
}
