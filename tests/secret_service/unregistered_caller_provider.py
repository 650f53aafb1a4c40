#!/usr/bin/python3
"""A stand-in Secret Service that answers each connection's first call the way
gnome-keyring does when that call wins the race against its registration of
the connection as a client (docs/secret-service.md): UnknownMethod, "Method X
is not implemented on interface Y", with nothing done. Later calls of the same
connection are served from an in-memory collection holding no items.

gnome-keyring loses that race only now and then; this provider loses it on
every connection, so the helper's answer to it is tested on every run.
Usage: unregistered_caller_provider.py LOGFILE (on DBUS_SESSION_BUS_ADDRESS).
"""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SERVICE = "org.freedesktop.Secret.Service"
NAME = "org.freedesktop.secrets"
PATH = "/org/freedesktop/secrets"


class NotRegisteredYet(dbus.DBusException):
    _dbus_error_name = "org.freedesktop.DBus.Error.UnknownMethod"


class Provider(dbus.service.Object):
    def __init__(self, bus, log):
        super().__init__(bus, PATH)
        self.seen = set()
        self.log = log
        self.sessions = 0

    def first_call(self, sender, method):
        """Raises gnome-keyring's answer for the first call of `sender`."""
        self.log.write(f"{sender} {method}\n")
        self.log.flush()
        if sender not in self.seen:
            self.seen.add(sender)
            self.log.write(f"{sender} {method} answered not-implemented\n")
            self.log.flush()
            raise NotRegisteredYet(f"Method {method} is not implemented on interface {SERVICE}")

    @dbus.service.method(SERVICE, in_signature="a{ss}", out_signature="aoao",
                         sender_keyword="sender")
    def SearchItems(self, attributes, sender=None):
        self.first_call(sender, "SearchItems")
        return dbus.Array([], signature="o"), dbus.Array([], signature="o")

    @dbus.service.method(SERVICE, in_signature="sv", out_signature="vo", sender_keyword="sender")
    def OpenSession(self, algorithm, payload, sender=None):
        self.first_call(sender, "OpenSession")
        self.sessions += 1
        return dbus.String("", variant_level=1), dbus.ObjectPath(f"{PATH}/session/s{self.sessions}")


def main():
    log = open(sys.argv[1], "a", encoding="utf-8")
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    provider = Provider(bus, log)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    assert provider and name
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
