#pragma once
// Error mapping for the Secret Service store: a failed call's D-Bus error
// name or local kind (never its text) -> the helper's Errc with a one-line,
// actionable message. The texts are user-facing and pinned by tests (README
// "Error messages").

#include <chrono>

#include "credentials/errors.hpp"
#include "dbus_error.hpp"

namespace pat::platform::ss {

// What the client was doing when a call failed: the same error means
// different things at different steps (e.g. ServiceUnknown before we found a
// provider = there is none; after = it went away).
enum class Stage {
    connect,        // connecting to the session bus and saying Hello
    find_provider,  // asking the bus for (or activating) org.freedesktop.secrets
    provider_call,  // any call to the provider once it was found
    collection,     // resolving the collection to store into
};

// Whether the error is the reply `name` (a D-Bus error name).
bool is_reply(const DbusError& error, const char* name);

// An object that no longer exists (an item deleted between two calls).
bool is_missing_object(const DbusError& error);

// gnome-keyring's answer to a call that reached it before it had registered
// the calling connection as a client: the call was not carried out, and the
// same call succeeds once the client exists (docs/secret-service.md).
bool is_caller_not_registered_yet(const DbusError& error);

// The one mapping function: the error at `stage` -> cred::Error.
// `timeout` is the per-call deadline, quoted in the timeout message.
cred::Error map_error(const DbusError& error, Stage stage, std::chrono::milliseconds timeout);

// The messages, for the paths that detect a condition without an error reply.
cred::Error no_session_bus_unset();
cred::Error no_session_bus_unreachable();
cred::Error no_provider();
cred::Error keychain_locked();
cred::Error no_default_collection();
cred::Error deadline_passed(std::chrono::milliseconds timeout);
cred::Error provider_vanished();

}  // namespace pat::platform::ss
