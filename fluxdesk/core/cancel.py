"""A thread-safe cancellation flag shared by a job and whoever may cancel it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fluxdesk.core.errors import CancelledError


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (from the cancelling thread) when cancelled, at once if it
        already is; returns a function that forgets it. The client uses this to end a
        blocked network read at once instead of after its timeout."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._forget(callback)
        callback()
        return lambda: None

    def _forget(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

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
