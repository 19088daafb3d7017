"""Follow the library index live: images saved by the command line or a second window
appear within about a second, without polling the files (one PRAGMA a second while the
Library is on screen)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.store import Library

POLL_MS = 1000


class IndexWatcher(QObject):
    """Emits ``changed`` when another connection has committed to the index since the
    last :meth:`mark_seen`. Runs only while started (the gallery starts it when shown)."""

    changed = Signal()

    def __init__(self, library: Callable[[], Library | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._seen: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def stop(self) -> None:
        self.timer.stop()

    def mark_seen(self) -> None:
        """What the window shows now is up to date with the index."""
        self._seen = self._version()

    def check(self) -> None:
        version = self._version()
        if version is None:
            return
        if self._seen is None:
            self._seen = version
        elif version != self._seen:
            self._seen = version
            self.changed.emit()

    def _version(self) -> int | None:
        library = self._library()
        if library is None:
            return None
        try:
            return library.data_version()
        except LibraryError:
            return None  # the index is briefly locked or gone: the next tick asks again
