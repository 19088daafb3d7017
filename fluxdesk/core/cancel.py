"""A thread-safe cancellation flag shared by a job and whoever may cancel it."""

from __future__ import annotations

import threading

from fluxdesk.core.errors import CancelledError


class CancelToken:
    """Set once, seen by every thread. ``child()`` tokens are also cancelled by their
    parent, so a job can stop its own sibling downloads on the first failure without
    marking the whole job as cancelled by the user."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._children: list[CancelToken] = []
        self._lock = threading.Lock()

    def child(self) -> CancelToken:
        token = CancelToken()
        with self._lock:
            self._children.append(token)
            if self._event.is_set():
                token.cancel()
        return token

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            children = list(self._children)
        for child in children:
            child.cancel()

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
