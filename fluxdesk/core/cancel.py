"""A thread-safe cancellation flag shared by a job and whoever may cancel it."""

from __future__ import annotations

import threading

from fluxdesk.core.errors import CancelledError


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError()

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``; raise CancelledError at once if cancelled meanwhile."""
        if self._event.wait(max(0.0, seconds)):
            raise CancelledError()
