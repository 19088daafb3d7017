"""A tiny freedesktop notification service for tests: owns org.freedesktop.Notifications
on the session bus, refuses any call whose signature is not the specification's, writes
each notification as one JSON line to the file given, and (with ``click``) answers each
one with the ActionInvoked signal a click on its body would send.

    python fake_notification_service.py LOG [click]

Prints "ready" once it owns the name.
"""

from __future__ import annotations

import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
NOTIFY = "susssasa{sv}i"  # the specification's signature for Notify


def main() -> None:
    log_path = sys.argv[1]
    click = sys.argv[2:] == ["click"]
    connection = open_dbus_connection(bus="SESSION")
    reply = connection.send_and_get_reply(message_bus.RequestName(SERVICE, 4))  # 4: do not queue
    if reply.body != (1,):  # 1: primary owner
        raise SystemExit(f"could not own {SERVICE}: {reply.body}")
    address = DBusAddress(PATH, interface=SERVICE)
    next_id = 0
    print("ready", flush=True)
    while True:
        message = connection.receive()
        if message.header.message_type is not MessageType.method_call:
            continue
        fields = message.header.fields
        member = fields.get(HeaderFields.member)
        signature = fields.get(HeaderFields.signature, "")
        if fields.get(HeaderFields.interface) == SERVICE and member == "Notify" and signature == NOTIFY:
            next_id += 1
            app, _replaces, _icon, summary, body, actions, _hints, timeout = message.body
            with open(log_path, "a", encoding="utf-8") as log:
                record = {"id": next_id, "app": app, "summary": summary, "body": body}
                record.update(actions=actions, timeout=timeout)
                log.write(json.dumps(record) + "\n")
            connection.send(new_method_return(message, "u", (next_id,)))
            if click:
                connection.send(new_signal(address, "ActionInvoked", "us", (next_id, "default")))
        elif member == "GetCapabilities":
            connection.send(new_method_return(message, "as", (["actions", "body"],)))
        else:
            error = f"{member} with signature {signature!r} is not a method of this service"
            connection.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (error,)))


if __name__ == "__main__":
    main()
