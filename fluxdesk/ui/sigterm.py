"""SIGTERM (logout, a service manager, ``kill``) closes the window as Quit does: running
jobs are cancelled (their temporary files removed), settings saved, exit code 143.

Python runs a signal handler only when the interpreter gets control, and Qt's event
loop is C++: the signal's wake-up byte goes to a socket Qt watches, whose slot gives
Python the moment to run the handler.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from fluxdesk.core.errors import EXIT_TERMINATED


class SigtermWatch(QObject):
    """Calls ``on_sigterm`` on the GUI thread when the process gets SIGTERM."""

    EXIT_CODE = EXIT_TERMINATED  # what the window's process then exits with, as a command

    def __init__(self, on_sigterm: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.received = False
        self._on_sigterm = on_sigterm
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = signal.signal(signal.SIGTERM, self._handle)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _handle(self, signum: int, frame: object) -> None:
        if not self.received:
            self.received = True
            QTimer.singleShot(0, self._on_sigterm)

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._reader.recv(512)

    def uninstall(self) -> None:
        """Give SIGTERM and the wake-up fd back to what they were (tests; after exec)."""
        self._notifier.setEnabled(False)
        signal.signal(signal.SIGTERM, self._previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
