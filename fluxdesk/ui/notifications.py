"""Native notifications when a job ends while the window is not active.

Linux (and other freedesktop systems): the ``org.freedesktop.Notifications`` D-Bus
service, spoken with jeepney (pure Python, already installed for the keyring's Secret
Service; Qt's own QtDBus from Python cannot send the ``uint32`` the ``Notify`` call's
signature requires, so a strict service refuses its calls). A click on a notification
(its default action) comes back as ``activated(job_id)``. Windows and macOS: the tray
icon's message (a Windows toast, a macOS Notification Center banner), whose click does
the same for the last job notified.

Where no service answers, notifications are silently off: they are a convenience, and
the job list shows every outcome anyway.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

APP_NAME = "FluxDesk"
SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
DEFAULT_ACTION = "default"  # the action a click on the notification's body invokes
CALL_TIMEOUT_S = 5.0


class Notifier(QObject):
    """Shows notifications; ``activated`` carries the job id of a clicked one."""

    activated = Signal(int)
    shown = Signal(int)  # the job id of each notification the OS accepted (tests, logs)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend: _Freedesktop | _TrayMessage | None = None
        self._failed = False

    def notify(self, job_id: int, title: str, body: str) -> None:
        """Show one notification (off the GUI thread where the OS call may block)."""
        backend = self._ensure_backend()
        if backend is not None:
            backend.notify(job_id, title, body)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def _ensure_backend(self) -> _Freedesktop | _TrayMessage | None:
        if self._backend is None and not self._failed:
            try:
                if sys.platform in ("win32", "darwin"):
                    self._backend = _TrayMessage(self)
                else:
                    self._backend = _Freedesktop(self)
            except Exception as exc:  # no session bus, no service: notifications stay off
                log.info("Notifications are unavailable: %s", exc)
                self._failed = True
        return self._backend


class _Freedesktop:
    """The freedesktop notification service over the session bus."""

    def __init__(self, owner: Notifier) -> None:
        from jeepney import DBusAddress, MatchRule
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        self._owner = owner
        self._address = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
        self._router = DBusRouter(open_dbus_connection(bus="SESSION"))
        self._ids: dict[int, int] = {}  # notification id -> job id
        # A click may be heard before the Notify reply was handled (another thread).
        self._early: set[int] = set()
        self._lock = threading.Lock()
        self._events: queue.Queue[Any] = queue.Queue()
        from jeepney.bus_messages import message_bus

        rule = MatchRule(type="signal", interface=SERVICE, member="ActionInvoked", path=PATH)
        self._router.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S)
        self._filter = self._router.filter(rule, queue=self._events, bufsize=64)
        self._sender: queue.Queue[tuple[int, str, str] | None] = queue.Queue()
        self._listener = threading.Thread(target=self._listen, name="fluxdesk-notify-listen", daemon=True)
        self._sending = threading.Thread(target=self._send, name="fluxdesk-notify-send", daemon=True)
        self._listener.start()
        self._sending.start()

    def notify(self, job_id: int, title: str, body: str) -> None:
        self._sender.put((job_id, title, body))

    def _send(self) -> None:
        from jeepney import new_method_call

        while (item := self._sender.get()) is not None:
            job_id, title, body = item
            message = new_method_call(
                self._address,
                "Notify",
                NOTIFY_SIGNATURE,
                (APP_NAME, 0, "", title, body, [DEFAULT_ACTION, "Show"], {}, -1),
            )
            try:
                reply = self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
                notification_id = int(reply.body[0])
            except Exception as exc:  # the service went away, refused, or is too slow
                log.info("A notification could not be shown: %s", exc)
                continue
            with self._lock:
                self._ids[notification_id] = job_id
                clicked = notification_id in self._early
                self._early.discard(notification_id)
            self._owner.shown.emit(job_id)  # queued to the GUI thread
            if clicked:
                self._owner.activated.emit(job_id)

    def _listen(self) -> None:
        while (message := self._events.get()) is not None:
            try:
                notification_id, action = message.body
            except (TypeError, ValueError):
                continue
            if action != DEFAULT_ACTION:
                continue
            with self._lock:
                job_id = self._ids.get(int(notification_id))
                if job_id is None:
                    self._early.add(int(notification_id))
            if job_id is not None:
                self._owner.activated.emit(job_id)  # queued to the GUI thread

    def close(self) -> None:
        # The sender finishes its call first: closing the router under a call whose reply
        # has just arrived made jeepney's receiver thread fail (InvalidStateError, a
        # traceback on stderr) as it dropped the already answered call.
        self._sender.put(None)
        self._sending.join(timeout=CALL_TIMEOUT_S + 1)
        try:
            self._filter.close()
            self._router.close()
            self._router.conn.close()
        except Exception:  # closing a connection the service or bus already dropped
            pass
        self._events.put(None)


class _TrayMessage:
    """Windows toast / macOS Notification Center through Qt's tray icon message."""

    def __init__(self, owner: Notifier) -> None:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QSystemTrayIcon

        if not QSystemTrayIcon.isSystemTrayAvailable():
            raise RuntimeError("no system tray")
        self._owner = owner
        self._last_job = 0
        self._tray = QSystemTrayIcon(QGuiApplication.windowIcon(), owner)
        self._tray.messageClicked.connect(lambda: self._owner.activated.emit(self._last_job))
        self._tray.show()

    def notify(self, job_id: int, title: str, body: str) -> None:
        self._last_job = job_id
        self._tray.showMessage(title, body)
        self._owner.shown.emit(job_id)

    def close(self) -> None:
        self._tray.hide()
