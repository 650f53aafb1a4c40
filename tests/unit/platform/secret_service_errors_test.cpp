// The GError -> Errc mapping of the Secret Service store: by domain and code
// (never by message text), and one distinct message per condition. The one
// predicate that must read the text, is_caller_not_registered_yet, is last.
#include <catch2/catch.hpp>

#include "linux/secret_service/errors.hpp"
#include "linux/secret_service/glib_ptr.hpp"

using pat::cred::Errc;
using pat::platform::ss::ErrorPtr;
using pat::platform::ss::is_caller_not_registered_yet;
using pat::platform::ss::map_gerror;
using pat::platform::ss::Stage;

namespace {

constexpr std::chrono::milliseconds k_timeout{1234};

ErrorPtr make(GQuark domain, int code) {
    // The text is deliberately misleading: the mapping must not read it.
    return ErrorPtr(g_error_new_literal(domain, code, "not found / locked / timeout"));
}

ErrorPtr dbus(GDBusError code) {
    return make(G_DBUS_ERROR, code);
}
ErrorPtr io(GIOErrorEnum code) {
    return make(G_IO_ERROR, code);
}

// A reply carrying a D-Bus error name, as GDBus builds it from the wire.
ErrorPtr remote(const char* name) {
    pat::platform::ss::secret_error_quark();
    return ErrorPtr(g_dbus_error_new_for_dbus_error(name, "some text"));
}

Errc code_of(const ErrorPtr& e, Stage stage) {
    return map_gerror(*e, stage, k_timeout).code;
}

}  // namespace

TEST_CASE("Deadlines map to timeout at every stage", "[secret-service][errors]") {
    for (Stage stage :
         {Stage::connect, Stage::find_provider, Stage::provider_call, Stage::collection}) {
        CHECK(code_of(io(G_IO_ERROR_TIMED_OUT), stage) == Errc::timeout);
        CHECK(code_of(io(G_IO_ERROR_CANCELLED), stage) == Errc::timeout);
        CHECK(code_of(dbus(G_DBUS_ERROR_TIMEOUT), stage) == Errc::timeout);
        CHECK(code_of(remote("org.freedesktop.DBus.Error.TimedOut"), stage) == Errc::timeout);
    }
    CHECK(map_gerror(*io(G_IO_ERROR_TIMED_OUT), Stage::provider_call, k_timeout).message ==
          "the Secret Service did not answer within 1234 ms: check that gnome-keyring (or your "
          "provider) is responsive, or raise DOCKER_CREDENTIAL_PAT_TIMEOUT_MS");
}

TEST_CASE("The Secret Service's IsLocked is the locked error, wherever it comes",
          "[secret-service][errors]") {
    const auto locked = remote("org.freedesktop.Secret.Error.IsLocked");
    CHECK(locked->domain == pat::platform::ss::secret_error_quark());
    CHECK(code_of(locked, Stage::provider_call) == Errc::keychain_locked);
    CHECK(code_of(locked, Stage::collection) == Errc::keychain_locked);
}

TEST_CASE("ServiceUnknown means no provider before we found one, vanished after",
          "[secret-service][errors]") {
    CHECK(code_of(dbus(G_DBUS_ERROR_SERVICE_UNKNOWN), Stage::find_provider) == Errc::no_provider);
    CHECK(code_of(dbus(G_DBUS_ERROR_NAME_HAS_NO_OWNER), Stage::find_provider) == Errc::no_provider);
    CHECK(code_of(dbus(G_DBUS_ERROR_SPAWN_CHILD_EXITED), Stage::find_provider) ==
          Errc::no_provider);
    CHECK(code_of(dbus(G_DBUS_ERROR_SERVICE_UNKNOWN), Stage::provider_call) ==
          Errc::provider_vanished);
    CHECK(code_of(dbus(G_DBUS_ERROR_NO_REPLY), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(io(G_IO_ERROR_CLOSED), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(remote("org.freedesktop.DBus.Error.NoReply"), Stage::provider_call) ==
          Errc::provider_vanished);
}

TEST_CASE("A missing collection object is no default collection", "[secret-service][errors]") {
    CHECK(code_of(remote("org.freedesktop.Secret.Error.NoSuchObject"), Stage::collection) ==
          Errc::no_default_collection);
    CHECK(code_of(dbus(G_DBUS_ERROR_UNKNOWN_OBJECT), Stage::collection) ==
          Errc::no_default_collection);
    CHECK(code_of(dbus(G_DBUS_ERROR_UNKNOWN_METHOD), Stage::collection) ==
          Errc::no_default_collection);
}

TEST_CASE("Any failure to connect is no session bus", "[secret-service][errors]") {
    CHECK(code_of(io(G_IO_ERROR_NOT_FOUND), Stage::connect) == Errc::no_session_bus);
    CHECK(code_of(io(G_IO_ERROR_CONNECTION_REFUSED), Stage::connect) == Errc::no_session_bus);
    CHECK(code_of(io(G_IO_ERROR_FAILED), Stage::connect) == Errc::no_session_bus);
}

TEST_CASE("Unknown errors are backend errors that name the D-Bus error",
          "[secret-service][errors]") {
    const auto denied = remote("org.example.Weird");
    const auto error = map_gerror(*denied, Stage::provider_call, k_timeout);
    CHECK(error.code == Errc::backend);
    CHECK(error.message.find("org.example.Weird") != std::string::npos);
    CHECK(error.message.find('\n') == std::string::npos);
    // Never "not found", whatever the text says.
    CHECK(code_of(make(G_IO_ERROR, G_IO_ERROR_NOT_FOUND), Stage::provider_call) != Errc::not_found);
}

TEST_CASE("Every condition has its own one-line message", "[secret-service][errors]") {
    namespace ss = pat::platform::ss;
    const std::vector<pat::cred::Error> errors{
        ss::no_session_bus_unset(),  ss::no_session_bus_unreachable(),
        ss::no_provider(),           ss::keychain_locked(),
        ss::no_default_collection(), ss::deadline_passed(k_timeout),
        ss::provider_vanished()};
    for (std::size_t i = 0; i < errors.size(); ++i) {
        CHECK(errors[i].message.find('\n') == std::string::npos);
        CHECK(errors[i].message.find("not found") == std::string::npos);
        for (std::size_t j = i + 1; j < errors.size(); ++j) {
            CHECK(errors[i].message != errors[j].message);
        }
    }
}

TEST_CASE("Only the skeleton's 'not implemented' answer means the caller is not registered yet",
          "[secret-service][errors]") {
    // As gnome-keyring sends it (the GError as our client decodes the reply).
    ErrorPtr racing(g_dbus_error_new_for_dbus_error(
        "org.freedesktop.DBus.Error.UnknownMethod",
        "Method SearchItems is not implemented on interface org.freedesktop.Secret.Service"));
    CHECK(is_caller_not_registered_yet(*racing));
    // A method or object the provider really lacks is answered otherwise.
    ErrorPtr no_method(g_dbus_error_new_for_dbus_error(
        "org.freedesktop.DBus.Error.UnknownMethod",
        "No such method 'Frobnicate' on interface 'org.freedesktop.Secret.Service'"));
    CHECK_FALSE(is_caller_not_registered_yet(*no_method));
    ErrorPtr no_interface(g_dbus_error_new_for_dbus_error(
        "org.freedesktop.DBus.Error.UnknownMethod",
        "No such interface 'org.freedesktop.DBus.Properties' on object at path /x"));
    CHECK_FALSE(is_caller_not_registered_yet(*no_interface));
    // The same words under another error name are not it either.
    ErrorPtr failed(g_dbus_error_new_for_dbus_error(
        "org.freedesktop.DBus.Error.Failed",
        "Method SearchItems is not implemented on interface org.freedesktop.Secret.Service"));
    CHECK_FALSE(is_caller_not_registered_yet(*failed));
}
