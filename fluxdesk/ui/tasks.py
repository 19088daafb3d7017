"""Run a plain function on a pool and get its result (or error) back on the GUI thread.

``run_task(pool, fn, on_done, on_error, receiver=obj)`` is the whole API: ``fn`` runs in
a worker and must not touch widgets; then exactly one callback runs on the GUI thread,
unless ``receiver`` was deleted meanwhile: then neither runs.

The callbacks are tied to ``receiver`` (by default the object whose bound method
``on_done`` is): results are delivered through a relay QObject that is a child of the
receiver, so when the receiver dies the relay dies with it and Qt drops the queued
result instead of calling into a deleted widget ("Internal C++ object already deleted").
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_alive: dict[int, _Relay] = {}  # keeps relays (and their signals) alive until they are destroyed
_keys = itertools.count()


class _Signals(QObject):
    """Emitted from the worker; has no parent, so it outlives any receiver."""

    done = Signal(object)
    failed = Signal(object)


class _Relay(QObject):
    """Lives in the GUI thread as a child of the receiver and calls the callbacks there."""

    def __init__(
        self,
        signals: _Signals,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        receiver: QObject | None,
    ) -> None:
        super().__init__(receiver)
        self._signals = signals
        self._on_done = on_done
        self._on_error = on_error
        self._receiver = receiver
        # Bound methods of this QObject: Qt disconnects them when the relay is destroyed.
        signals.done.connect(self._deliver_done)
        signals.failed.connect(self._deliver_failed)
        key = next(_keys)
        _alive[key] = self
        # Destroyed after delivery (deleteLater) or with its parent, the receiver.
        self.destroyed.connect(functools.partial(_forget, key))

    def _receiver_gone(self) -> bool:
        return self._receiver is not None and not shiboken6.isValid(self._receiver)

    def _finish(self) -> bool:
        gone = self._receiver_gone()
        self.deleteLater()
        return not gone

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        if self._finish():
            self._on_done(result)

    @Slot(object)
    def _deliver_failed(self, error: BaseException) -> None:
        if self._finish():
            self._on_error(error)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to on_error, never lost in a thread
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def _forget(key: int, *_: object) -> None:
    _alive.pop(key, None)


def _owner(callback: Callable[..., Any]) -> QObject | None:
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, QObject) else None


def run_task(
    pool: QThreadPool,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    receiver: QObject | None = None,
) -> None:
    """Run ``fn`` on ``pool``; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

    Pass ``receiver`` (usually ``self``) when the callbacks are closures over a widget;
    bound methods of a QObject are tied to their object without it.
    """
    receiver = receiver or _owner(on_done) or _owner(on_error)
    signals = _Signals()
    _Relay(signals, on_done, on_error, receiver)  # a child of the receiver, kept in _alive
    pool.start(_Task(fn, signals))


def pending_count() -> int:
    """Tasks whose result has not been delivered yet (and whose receiver still lives)."""
    return len(_alive)
