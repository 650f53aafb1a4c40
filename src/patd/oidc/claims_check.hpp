#pragma once
// The registered-claim checks of an ID token (OpenID Connect Core §3.1.3.7)
// once its signature verified, and the claim conditions of a trust policy.
// Each check returns nullopt when it passes, or the refusal text naming the
// check that failed (shown to the client: it names claims, never the token).

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pat::patd::oidc {

// Clocks of a CI runner and patd may differ this much.
inline constexpr std::chrono::seconds k_clock_skew{30};
// An ID token valid for longer than this is refused: its jti is kept until
// it expires, and CI tokens live minutes (GitHub) or a job's time-out (GitLab).
inline constexpr std::chrono::hours k_max_id_token_lifetime{7 * 24};
// A jti longer than this is refused (it is kept in the replay cache).
inline constexpr std::size_t k_max_jti_size = 256;

// `iss` equals `issuer` exactly.
std::optional<std::string> check_issuer(const nlohmann::json& claims, std::string_view issuer);
// `aud` (a string, or an array of strings) contains `audience`.
std::optional<std::string> check_audience(const nlohmann::json& claims, std::string_view audience);
// `exp` (required) is after now - skew and at most k_max_id_token_lifetime
// ahead, `nbf` (optional) not after now + skew, `iat` (required) not after
// now + skew; all NumericDate numbers.
std::optional<std::string> check_times(const nlohmann::json& claims,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds skew = k_clock_skew);
// `jti` is a non-empty string of at most k_max_jti_size bytes.
std::optional<std::string> check_jti(const nlohmann::json& claims);

// Glob match of the whole `text`: `*` any run of characters (also '/' and
// ':'), `?` one character, `\` makes the next character literal.
bool glob_match(std::string_view pattern, std::string_view text);

// A claim value as policies see it: strings as they are, numbers and
// booleans as their JSON text; nullopt for objects and null.
std::optional<std::string> claim_text(const nlohmann::json& value);

// Every condition {claim: pattern} holds: the claim exists and its value (or,
// for an array, one of its elements) matches the pattern. Returns the first
// claim that does not match, or nullopt when all do.
std::optional<std::string> first_unmatched(const std::map<std::string, std::string>& conditions,
                                           const nlohmann::json& claims);

}  // namespace pat::patd::oidc
