#pragma once
// Conversions between the Secret Service's D-Bus types and ours.

#include <gio/gio.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attributes.hpp"
#include "common/secret.hpp"
#include "glib_ptr.hpp"

namespace pat::platform::ss {

// a{ss} from a map (floating reference).
GVariant* attributes_to_variant(const Attributes& attributes);
// A map from an a{ss} value.
Attributes attributes_from_variant(GVariant* dict);
// The strings of an ao value.
std::vector<std::string> object_paths(GVariant* array);
// The a{ss} inside a Properties.Get reply "(v)" (empty if it is not a{ss}).
Attributes attributes_from_property(const VariantPtr& reply);
// The t inside a Properties.Get reply "(v)" (0 if it is not a uint64).
std::uint64_t uint64_from_property(const VariantPtr& reply);
// The b inside a Properties.Get reply "(v)"; nullopt if it is not a boolean.
std::optional<bool> boolean_from_property(const VariantPtr& reply);
// The session path in OpenSession's reply "(vo)".
std::string session_path(const VariantPtr& reply);
// The (oayays) secret struct for a plain session. The value bytes are not
// copied: the variant points into `secret`, which must outlive it.
GVariant* plain_secret_struct(const std::string& session, const Secret& secret);
// The value bytes of a (oayays) secret struct.
Secret secret_from_struct(GVariant* secret_struct);

}  // namespace pat::platform::ss
