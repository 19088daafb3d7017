"""Run a plain function on a pool and get its result (or error) back on the GUI thread.

``run_task(pool, fn, on_done, on_error)`` is the whole API: ``fn`` runs in a worker and
must not touch widgets; exactly one callback then runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_alive: set[_Signals] = set()  # keeps signal objects alive until their result is delivered


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


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


def run_task(
    pool: QThreadPool,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    signals = _Signals()
    _alive.add(signals)

    def done(result: Any) -> None:
        _alive.discard(signals)
        on_done(result)

    def failed(error: BaseException) -> None:
        _alive.discard(signals)
        on_error(error)

    signals.done.connect(done)
    signals.failed.connect(failed)
    pool.start(_Task(fn, signals))
