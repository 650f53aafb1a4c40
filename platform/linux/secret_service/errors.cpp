#include "errors.hpp"

#include <string>
#include <string_view>

namespace pat::platform::ss {
namespace {

constexpr std::string_view k_dbus_error = "org.freedesktop.DBus.Error.";

// The bus's own errors (org.freedesktop.DBus.Error.<suffix>).
bool is_dbus(const DbusError& error, std::string_view suffix) {
    const std::string_view name = error.name;
    return error.kind == DbusError::Kind::reply && name.starts_with(k_dbus_error) &&
           name.substr(k_dbus_error.size()) == suffix;
}

// The provider is gone: the bus says the (unique) name has no owner, or the
// call was cut off because the provider or the bus disconnected before
// replying (sd-bus answers the calls still pending then with NoReply).
bool is_gone(const DbusError& error) {
    return is_dbus(error, "ServiceUnknown") || is_dbus(error, "NameHasNoOwner") ||
           is_dbus(error, "NoReply") || is_dbus(error, "Disconnected") ||
           error.kind == DbusError::Kind::closed;
}

// dbus-daemon could not start the activatable provider (Spawn.*; out of
// memory is not the provider's fault).
bool is_activation_failure(const DbusError& error) {
    constexpr std::string_view spawn = "org.freedesktop.DBus.Error.Spawn.";
    return error.kind == DbusError::Kind::reply && error.name.starts_with(spawn) &&
           error.name != "org.freedesktop.DBus.Error.Spawn.NoMemory";
}

// Anything we do not recognise: name the D-Bus error so the user can search
// for it; the first line of its text helps a human.
cred::Error unexpected(const DbusError& error) {
    const std::string what = error.kind == DbusError::Kind::reply ? error.name : "sd-bus";
    std::string text = error.message;
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return {cred::Errc::backend, "Secret Service error (" + what + "): " + text};
}

}  // namespace

bool is_reply(const DbusError& error, const char* name) {
    return error.kind == DbusError::Kind::reply && error.name == name;
}

bool is_missing_object(const DbusError& error) {
    return is_reply(error, "org.freedesktop.Secret.Error.NoSuchObject") ||
           is_dbus(error, "UnknownObject") || is_dbus(error, "UnknownMethod");
}

bool is_caller_not_registered_yet(const DbusError& error) {
    // GDBus's generated skeleton says this when no handler took the call; a
    // method the provider really lacks is "No such method", not this.
    return is_dbus(error, "UnknownMethod") &&
           error.message.find(" is not implemented on interface ") != std::string::npos;
}

cred::Error map_error(const DbusError& error, Stage stage, std::chrono::milliseconds timeout) {
    // A deadline is a deadline at every stage, ours or one the bus reports.
    if (error.kind == DbusError::Kind::timed_out || is_dbus(error, "Timeout") ||
        is_dbus(error, "TimedOut")) {
        return deadline_passed(timeout);
    }
    if (is_reply(error, "org.freedesktop.Secret.Error.IsLocked")) return keychain_locked();
    switch (stage) {
        case Stage::connect:
            return no_session_bus_unreachable();
        case Stage::find_provider:
            if (is_gone(error) || is_activation_failure(error)) return no_provider();
            break;
        case Stage::collection:
            if (is_missing_object(error)) return no_default_collection();
            if (is_gone(error)) return provider_vanished();
            break;
        case Stage::provider_call:
            if (is_gone(error)) return provider_vanished();
            break;
    }
    return unexpected(error);
}

cred::Error no_session_bus_unset() {
    return {cred::Errc::no_session_bus,
            "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set (run inside a desktop "
            "session or dbus-run-session, or set DOCKER_CREDENTIAL_PAT_STORE=keyring)"};
}

cred::Error no_session_bus_unreachable() {
    return {cred::Errc::no_session_bus,
            "cannot connect to the D-Bus session bus at DBUS_SESSION_BUS_ADDRESS (has the session "
            "ended? or set DOCKER_CREDENTIAL_PAT_STORE=keyring)"};
}

cred::Error no_provider() {
    return {cred::Errc::no_provider,
            "no Secret Service on the D-Bus session bus (org.freedesktop.secrets): start "
            "gnome-keyring or KeePassXC, or set DOCKER_CREDENTIAL_PAT_STORE=keyring"};
}

cred::Error keychain_locked() {
    return {cred::Errc::keychain_locked,
            "the Secret Service keyring is locked: unlock it (log in to the desktop, or "
            "gnome-keyring-daemon --unlock) and retry"};
}

cred::Error no_default_collection() {
    return {cred::Errc::no_default_collection,
            "the Secret Service has no default keyring: create one (e.g. with Seahorse, or "
            "KeePassXC's Secret Service settings) and retry"};
}

cred::Error deadline_passed(std::chrono::milliseconds timeout) {
    return {cred::Errc::timeout, "the Secret Service did not answer within " +
                                     std::to_string(timeout.count()) +
                                     " ms: check that gnome-keyring (or your provider) is "
                                     "responsive, or raise DOCKER_CREDENTIAL_PAT_TIMEOUT_MS"};
}

cred::Error provider_vanished() {
    return {cred::Errc::provider_vanished,
            "the Secret Service provider left the D-Bus session bus during the request: "
            "restart it (e.g. gnome-keyring-daemon --start) and retry"};
}

}  // namespace pat::platform::ss
