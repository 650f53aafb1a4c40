#pragma once
// errno -> helper error for the kernel keyring (kernel_keyring_errors.cpp),
// shared by the store and its keyutils wrappers (kernel_keyring_io.hpp).

#include <string_view>

#include "credentials/errors.hpp"

namespace pat::platform {

// Maps an errno from add_key/keyctl to the helper's error, never "not found":
// EDQUOT names the quota (kernel.keys.maxbytes/maxkeys or the root_ variants)
// with its current values; EPERM/EACCES/ENOSYS mention seccomp, which blocks
// keyctl in default docker containers. `doing` completes "while …".
cred::Error keyring_error(int err, std::string_view doing);

}  // namespace pat::platform
