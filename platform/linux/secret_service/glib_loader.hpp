#pragma once
// GIO, GObject and GLib are loaded with dlopen the first time the Secret
// Service client needs them, not when the helper starts: `version`, the
// kernel-keyring paths and everything else that never talks to D-Bus then
// load nothing beyond libc (docs/benchmarks.md, "What a path loads").
//
// glib_loader.cpp defines every GLib function this directory calls, with
// GLib's own names and signatures, as a call through a pointer resolved from
// libgio-2.0.so.0 (and the GObject/GLib libraries it depends on). The code
// here is written against <gio/gio.h> as usual; the helper is linked without
// -lgio. Adding a GLib call here means adding it to glib_loader.cpp's list
// (the link fails with an undefined reference until then).

#include <optional>
#include <string>

namespace pat::platform::ss {

// Loads GIO once per process; nullopt when it is usable, else why not
// (one line, for the user). Every entry point of the Secret Service client
// calls this before any GLib function.
const std::optional<std::string>& glib_load_error();

}  // namespace pat::platform::ss
