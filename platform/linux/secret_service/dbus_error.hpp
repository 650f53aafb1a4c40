#pragma once
// Why one D-Bus call failed: an error reply (its D-Bus error name and text)
// or a condition found on our side. errors.hpp maps it to the helper's Errc,
// by name or kind, never by text (one documented exception there).

#include <string>

namespace pat::platform::ss {

struct DbusError {
    enum class Kind {
        reply,      // an error reply: `name` is its D-Bus error name
        timed_out,  // no reply within the batch's deadline
        closed,     // the bus connection closed before the reply came
        local,      // we could not build the call or read the reply
    };
    Kind kind = Kind::local;
    std::string name;     // the D-Bus error name (Kind::reply), else empty
    std::string message;  // the error's text (first line is for humans)
};

inline DbusError local_error(DbusError::Kind kind, std::string message) {
    return {kind, {}, std::move(message)};
}

}  // namespace pat::platform::ss
