#pragma once
// The Secret Service's D-Bus types in and out of sd-bus messages. Writers
// return sd-bus's result (< 0: -errno); readers read at the message's
// current position and return what they found, or nothing (an empty map, 0,
// nullopt) for a value of another type.

#include <systemd/sd-bus.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attributes.hpp"
#include "common/secret.hpp"

namespace pat::platform::ss {

// a{ss} from a map.
int append_attributes(sd_bus_message* message, const Attributes& attributes);
// ao from a list of paths.
int append_object_paths(sd_bus_message* message, const std::vector<std::string>& paths);
// The (oayays) secret struct for a plain session; marks the message as
// sensitive, so sd-bus wipes it when it is freed.
int append_plain_secret(sd_bus_message* message, const std::string& session, const Secret& secret);

// The first argument, a string or object path ("s" or "o"); empty if not.
std::string read_string(sd_bus_message* reply, char type = 's');
// The paths of an ao argument.
std::vector<std::string> read_object_paths(sd_bus_message* reply);
// The strings of an as argument.
std::vector<std::string> read_strings(sd_bus_message* reply);
// The a{ss} inside a Properties.Get reply "v" (empty if it is not a{ss}).
Attributes attributes_from_property(sd_bus_message* reply);
// The t inside a Properties.Get reply "v" (0 if it is not a uint64).
std::uint64_t uint64_from_property(sd_bus_message* reply);
// The b inside a Properties.Get reply "v"; nullopt if it is not a boolean.
std::optional<bool> boolean_from_property(sd_bus_message* reply);
// The session path in OpenSession's reply "vo".
std::string session_path(sd_bus_message* reply);
// The secrets of GetSecrets' reply a{o(oayays)}, by item path.
std::map<std::string, Secret> secrets_by_path(sd_bus_message* reply);

}  // namespace pat::platform::ss
