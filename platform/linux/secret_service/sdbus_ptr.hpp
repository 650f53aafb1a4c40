#pragma once
// unique_ptr owners for the sd-bus handles the Secret Service client uses,
// so that no early return can leak a connection, a message or a pending
// call's slot.

#include <systemd/sd-bus.h>

#include <memory>

namespace pat::platform::ss {

struct BusDeleter {
    void operator()(sd_bus* bus) const { sd_bus_close_unref(bus); }
};
// An owned bus connection, closed when released.
using BusPtr = std::unique_ptr<sd_bus, BusDeleter>;

struct MessageDeleter {
    void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
// An owned reference to a message (a call we built, or a reply).
using MessagePtr = std::unique_ptr<sd_bus_message, MessageDeleter>;

struct SlotDeleter {
    void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};
// An owned pending call: releasing it before the reply came cancels the
// reply callback.
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotDeleter>;

}  // namespace pat::platform::ss
