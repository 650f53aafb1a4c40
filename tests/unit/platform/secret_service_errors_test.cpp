// The D-Bus error -> Errc mapping of the Secret Service store: by error name
// or local kind (never by message text), and one distinct message per
// condition. The one predicate that must read the text,
// is_caller_not_registered_yet, is last.
#include <catch2/catch.hpp>

#include "linux/secret_service/errors.hpp"

using pat::cred::Errc;
using pat::platform::ss::DbusError;
using pat::platform::ss::is_caller_not_registered_yet;
using pat::platform::ss::map_error;
using pat::platform::ss::Stage;

namespace {

constexpr std::chrono::milliseconds k_timeout{1234};
// The text is deliberately misleading: the mapping must not read it.
constexpr const char* k_misleading = "not found / locked / timeout";

// An error reply, as the bus or the provider sends it.
DbusError remote(const char* name, const char* text = k_misleading) {
    return {DbusError::Kind::reply, name, text};
}
DbusError dbus(const std::string& suffix) {
    return {DbusError::Kind::reply, "org.freedesktop.DBus.Error." + suffix, k_misleading};
}
// A condition found by our client.
DbusError local(DbusError::Kind kind) {
    return {kind, "", k_misleading};
}

Errc code_of(const DbusError& e, Stage stage) {
    return map_error(e, stage, k_timeout).code;
}

}  // namespace

TEST_CASE("Deadlines map to timeout at every stage", "[secret-service][errors]") {
    for (Stage stage :
         {Stage::connect, Stage::find_provider, Stage::provider_call, Stage::collection}) {
        CHECK(code_of(local(DbusError::Kind::timed_out), stage) == Errc::timeout);
        CHECK(code_of(dbus("Timeout"), stage) == Errc::timeout);
        CHECK(code_of(dbus("TimedOut"), stage) == Errc::timeout);
    }
    CHECK(map_error(local(DbusError::Kind::timed_out), Stage::provider_call, k_timeout).message ==
          "the Secret Service did not answer within 1234 ms: check that gnome-keyring (or your "
          "provider) is responsive, or raise DOCKER_CREDENTIAL_PAT_TIMEOUT_MS");
}

TEST_CASE("The Secret Service's IsLocked is the locked error, wherever it comes",
          "[secret-service][errors]") {
    const auto locked = remote("org.freedesktop.Secret.Error.IsLocked");
    CHECK(code_of(locked, Stage::provider_call) == Errc::keychain_locked);
    CHECK(code_of(locked, Stage::collection) == Errc::keychain_locked);
}

TEST_CASE("ServiceUnknown means no provider before we found one, vanished after",
          "[secret-service][errors]") {
    CHECK(code_of(dbus("ServiceUnknown"), Stage::find_provider) == Errc::no_provider);
    CHECK(code_of(dbus("NameHasNoOwner"), Stage::find_provider) == Errc::no_provider);
    CHECK(code_of(dbus("Spawn.ChildExited"), Stage::find_provider) == Errc::no_provider);
    CHECK(code_of(dbus("Spawn.NoMemory"), Stage::find_provider) == Errc::backend);
    CHECK(code_of(dbus("ServiceUnknown"), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(dbus("NoReply"), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(dbus("Disconnected"), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(local(DbusError::Kind::closed), Stage::provider_call) == Errc::provider_vanished);
    CHECK(code_of(local(DbusError::Kind::closed), Stage::find_provider) == Errc::no_provider);
}

TEST_CASE("A missing collection object is no default collection", "[secret-service][errors]") {
    CHECK(code_of(remote("org.freedesktop.Secret.Error.NoSuchObject"), Stage::collection) ==
          Errc::no_default_collection);
    CHECK(code_of(dbus("UnknownObject"), Stage::collection) == Errc::no_default_collection);
    CHECK(code_of(dbus("UnknownMethod"), Stage::collection) == Errc::no_default_collection);
}

TEST_CASE("Any failure to connect is no session bus", "[secret-service][errors]") {
    CHECK(code_of(local(DbusError::Kind::closed), Stage::connect) == Errc::no_session_bus);
    CHECK(code_of(local(DbusError::Kind::local), Stage::connect) == Errc::no_session_bus);
    CHECK(code_of(dbus("AccessDenied"), Stage::connect) == Errc::no_session_bus);
}

TEST_CASE("Unknown errors are backend errors that name the D-Bus error",
          "[secret-service][errors]") {
    const auto weird = remote("org.example.Weird", "first line\nsecond line");
    const auto error = map_error(weird, Stage::provider_call, k_timeout);
    CHECK(error.code == Errc::backend);
    CHECK(error.message == "Secret Service error (org.example.Weird): first line");
    // A name that only starts like the bus's own errors is not one of them.
    CHECK(code_of(remote("org.freedesktop.DBus.Error.NoReplyX"), Stage::provider_call) ==
          Errc::backend);
    // Never "not found", whatever the text says.
    CHECK(code_of(local(DbusError::Kind::local), Stage::provider_call) != Errc::not_found);
    CHECK(code_of(dbus("FileNotFound"), Stage::provider_call) != Errc::not_found);
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
    // As gnome-keyring sends it.
    CHECK(is_caller_not_registered_yet(remote(
        "org.freedesktop.DBus.Error.UnknownMethod",
        "Method SearchItems is not implemented on interface org.freedesktop.Secret.Service")));
    // A method or object the provider really lacks is answered otherwise.
    CHECK_FALSE(is_caller_not_registered_yet(
        remote("org.freedesktop.DBus.Error.UnknownMethod",
               "No such method 'Frobnicate' on interface 'org.freedesktop.Secret.Service'")));
    CHECK_FALSE(is_caller_not_registered_yet(
        remote("org.freedesktop.DBus.Error.UnknownMethod",
               "No such interface 'org.freedesktop.DBus.Properties' on object at path /x")));
    // The same words under another error name are not it either.
    CHECK_FALSE(is_caller_not_registered_yet(remote(
        "org.freedesktop.DBus.Error.Failed",
        "Method SearchItems is not implemented on interface org.freedesktop.Secret.Service")));
}
