#pragma once
// Reading the replies of token services: error details, and wiping a parsed
// reply that held a secret (the token client and the helper's OIDC exchange).

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace pat::tokenclient {

// The human text of an error reply: patd's / Docker Hub's `detail`,
// the /token endpoint's `details`, `message`, or the registry's
// errors[0].message. nullopt when the body is not such JSON. Capped at
// 200 characters and cut at the first line break (it goes into one-line
// messages).
std::optional<std::string> reply_detail(std::string_view body);

// The machine-readable `reason` of a patd 401 ("deactivated", "expired",
// "unknown", ...; docs/patd-http.md "Why a 401"): a lower_snake word of at
// most 64 characters, or nullopt (not JSON, no such field, another shape,
// a patd older than the field, or a service that is not patd).
std::optional<std::string> reply_reason(std::string_view body);

// The err::Error for a non-2xx HTTP status: 401 service_unauthorized,
// 403 service_forbidden, other 4xx service_rejected, anything else
// service_failure. The message: "<where> refused the request (HTTP 4xx):
// <detail>" or "<where> failed (HTTP 5xx)".
err::Error http_status_error(const std::string& where, long status, std::string_view body);

// Overwrites every string in a parsed reply (it may hold a session or a
// token) before the JSON is freed.
void wipe_json(nlohmann::json& j);

}  // namespace pat::tokenclient
