// Fuzz target: the server-key rules (credentials/server_url.hpp) and the
// input checks every action applies to a key (credentials/input_text.hpp).
// Promises checked: trimming is idempotent and only removes whitespace at
// the ends; the aliases of a key never include the key itself, never repeat,
// are never tried for a key the input checks refuse, and are themselves
// keys the checks accept; a refusal is one line that does not echo the key.
#include <algorithm>
#include <set>
#include <string>

#include "credentials/input_text.hpp"
#include "credentials/server_url.hpp"
#include "fuzz_check.hpp"

using namespace pat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw = fuzz::as_text(data, size);

    const std::string_view trimmed = cred::trim_server_url(raw);
    fuzz::check(cred::trim_server_url(trimmed) == trimmed, "trimming is idempotent");
    fuzz::check(raw.find(trimmed) != std::string_view::npos, "trimming only cuts the ends");

    const std::string key(trimmed);
    const auto problem = cred::server_url_problem(key);
    if (problem) {
        fuzz::check(!problem->empty() && problem->find('\n') == std::string::npos,
                    "a refusal is one line");
        if (key.size() >= 8)
            fuzz::check(problem->find(key) == std::string::npos, "a refusal does not echo the key");
        return 0;
    }

    const auto aliases = cred::fallback_keys(key);
    std::set<std::string> seen;
    for (const auto& alias : aliases) {
        fuzz::check(alias != key, "an alias is never the key itself");
        fuzz::check(seen.insert(alias).second, "no alias is tried twice");
        fuzz::check(!cred::server_url_problem(alias), "an alias passes the input checks");
    }
    return 0;
}
