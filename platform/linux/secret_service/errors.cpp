#include "errors.hpp"

#include <cstring>
#include <string>

#include "glib_ptr.hpp"

namespace pat::platform::ss {
namespace {

constexpr GDBusErrorEntry k_secret_errors[] = {
    {static_cast<gint>(SecretErrorCode::is_locked), "org.freedesktop.Secret.Error.IsLocked"},
    {static_cast<gint>(SecretErrorCode::no_session), "org.freedesktop.Secret.Error.NoSession"},
    {static_cast<gint>(SecretErrorCode::no_such_object),
     "org.freedesktop.Secret.Error.NoSuchObject"},
};

bool is(const GError& error, GQuark domain, int code) {
    return error.domain == domain && error.code == code;
}

bool is_dbus(const GError& error, GDBusError code) {
    return is(error, G_DBUS_ERROR, static_cast<int>(code));
}

bool is_io(const GError& error, GIOErrorEnum code) {
    return is(error, G_IO_ERROR, static_cast<int>(code));
}

// The provider is gone: the bus says the (unique) name has no owner, or the
// call was cut off because the provider disconnected before replying.
bool is_gone(const GError& error) {
    return is_dbus(error, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           is_dbus(error, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           is_dbus(error, G_DBUS_ERROR_NO_REPLY) || is_dbus(error, G_DBUS_ERROR_DISCONNECTED) ||
           is_io(error, G_IO_ERROR_CLOSED) || is_io(error, G_IO_ERROR_CONNECTION_CLOSED) ||
           is_io(error, G_IO_ERROR_BROKEN_PIPE);
}

bool is_activation_failure(const GError& error) {
    return error.domain == G_DBUS_ERROR && error.code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED &&
           error.code <= G_DBUS_ERROR_SPAWN_FILE_INVALID;
}

// Anything we do not recognise: name the D-Bus error (or domain/code) so the
// user can search for it; the first line of GLib's text helps a human.
cred::Error unexpected(const GError& error) {
    std::string what;
    if (GCharPtr remote{g_dbus_error_get_remote_error(&error)}) {
        what = remote.get();
    } else {
        what = std::string(g_quark_to_string(error.domain)) + " " + std::to_string(error.code);
    }
    std::string text = error.message != nullptr ? error.message : "";
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return {cred::Errc::backend, "Secret Service error (" + what + "): " + text};
}

}  // namespace

GQuark secret_error_quark() {
    static gsize quark = 0;
    g_dbus_error_register_error_domain("pat-secret-service-error-quark", &quark, k_secret_errors,
                                       G_N_ELEMENTS(k_secret_errors));
    return static_cast<GQuark>(quark);
}

bool is_missing_object(const GError& error) {
    return is(error, secret_error_quark(), static_cast<int>(SecretErrorCode::no_such_object)) ||
           is_dbus(error, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
           is_dbus(error, G_DBUS_ERROR_UNKNOWN_METHOD);
}

bool is_caller_not_registered_yet(const GError& error) {
    // GDBus's generated skeleton says this when no handler took the call; a
    // method the provider really lacks is "No such method", not this.
    return is_dbus(error, G_DBUS_ERROR_UNKNOWN_METHOD) && error.message != nullptr &&
           std::strstr(error.message, " is not implemented on interface ") != nullptr;
}

cred::Error map_gerror(const GError& error, Stage stage, std::chrono::milliseconds timeout) {
    const GQuark secret = secret_error_quark();
    // A deadline is a deadline at every stage; CANCELLED is how we abandon a
    // connection attempt that passed its deadline.
    if (is_io(error, G_IO_ERROR_TIMED_OUT) || is_io(error, G_IO_ERROR_CANCELLED) ||
        is_dbus(error, G_DBUS_ERROR_TIMEOUT) || is_dbus(error, G_DBUS_ERROR_TIMED_OUT)) {
        return deadline_passed(timeout);
    }
    if (is(error, secret, static_cast<int>(SecretErrorCode::is_locked))) return keychain_locked();
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
