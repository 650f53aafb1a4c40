#pragma once
// How the console shows a token: permission names as on Docker Hub, state,
// times with the exact value on hover.

#include <string>
#include <string_view>

#include "patd/domain/types.hpp"

namespace pat::console {

// "Read", "Read & Write", "Read, Write & Delete", "Public repo read-only".
std::string_view scope_label(patd::TokenScope scope);
// The form value ("read", "write", "delete", "public-read") -> patd scope
// name ("repo:read", …); "" when unknown.
std::string_view scope_from_form(std::string_view value);
// "Active", "Inactive" or "Expired" at `now`.
std::string_view state_of(const patd::AccessTokenView& t, patd::Timestamp now);
// <time datetime=… title="exact">3 minutes ago</time>
std::string time_element(patd::Timestamp t, patd::Timestamp now);

}  // namespace pat::console
