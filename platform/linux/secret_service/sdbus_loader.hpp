#pragma once
// libsystemd (sd-bus) is loaded with dlopen the first time the Secret Service
// client needs it, not when the helper starts: `version`, the kernel-keyring
// paths and everything else that never talks to D-Bus then load nothing
// beyond libc (docs/benchmarks.md, "What a path loads").
//
// sdbus_loader.cpp defines every sd-bus function this directory calls, with
// sd-bus's own names and signatures, as a call through a pointer resolved
// from libsystemd.so.0. The code here is written against
// <systemd/sd-bus.h> as usual; the helper is linked without -lsystemd.
// Adding an sd-bus call here means adding it to sdbus_loader.cpp's list (the
// link fails with an undefined reference until then).

#include <optional>
#include <string>

namespace pat::platform::ss {

// Loads libsystemd once per process; nullopt when it is usable, else why not
// (one line, for the user). Every entry point of the Secret Service client
// calls this before any sd-bus function.
const std::optional<std::string>& sdbus_load_error();

}  // namespace pat::platform::ss
