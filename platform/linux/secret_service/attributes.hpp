#pragma once
// A Secret Service item's lookup attributes (name -> value), shared by the
// service calls (service.hpp) and the D-Bus conversions (message_args.hpp).

#include <map>
#include <string>

namespace pat::platform::ss {

using Attributes = std::map<std::string, std::string>;

}  // namespace pat::platform::ss
