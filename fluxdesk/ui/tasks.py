"""The one way FluxDesk runs work off the GUI thread: a plain function on a pool, its
result (or error), and any progress it reports, back on the GUI thread.

``run_task(pool, fn, on_done, on_error, receiver=obj)``: ``fn()`` runs in a worker and
must not touch widgets; then exactly one callback runs on the GUI thread, unless
``receiver`` was deleted meanwhile: then neither runs. ``run_reporting_task`` is the same
for a function that reports progress: ``fn(report)`` calls ``report(value)`` as often as
it likes, and ``on_progress(value)`` runs on the GUI thread for each, in order, before
the final callback (a generation job reports its stages this way).

The callbacks are tied to ``receiver`` (by default the object whose bound method
``on_done`` is). Results travel through ONE dispatcher QObject that lives in the GUI
thread for the whole process: workers emit its signals (queued connections), and the
GUI thread looks the task up and checks that its receiver still exists before calling
back. No QObject is made per task, so none is ever destroyed from a worker thread or
with a delivery still queued: per-task signal objects did exactly that, and crashed
(a segfault about once in ten test runs) when a window closed with a task in flight.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Report = Callable[[Any], None]  # what a reporting task calls with each piece of progress


@dataclass
class _Pending:
    """A task's callbacks, kept until its result is delivered."""

    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None]
    on_progress: Callable[[Any], None] | None
    receiver: QObject | None

    def gone(self) -> bool:
        """Whether the widget that asked is gone: nobody to tell."""
        return self.receiver is not None and not shiboken6.isValid(self.receiver)


class _Dispatcher(QObject):
    """Created once, in the GUI thread, never deleted; workers only emit its signals."""

    finished = Signal(int, object, bool)  # task key, result or error, ok
    progressed = Signal(int, object)  # task key, progress

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[int, _Pending] = {}
        self.finished.connect(self._deliver)
        self.progressed.connect(self._progress)

    @Slot(int, object, bool)
    def _deliver(self, key: int, value: Any, ok: bool) -> None:
        task = self.pending.pop(key, None)
        if task is None or task.gone():
            return
        if ok:
            task.on_done(value)
        else:
            task.on_error(value)

    @Slot(int, object)
    def _progress(self, key: int, value: Any) -> None:
        task = self.pending.get(key)
        if task is None or task.on_progress is None or task.gone():
            return
        task.on_progress(value)


_dispatcher: _Dispatcher | None = None
_keys = itertools.count()
_lock = threading.Lock()


def _get_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()  # tasks are started from the GUI thread
    return _dispatcher


def undelivered() -> int:
    """How many tasks have not had their callback yet (running, queued, or finished with
    the result still on its way to the GUI thread): what "all background work is done"
    waits for, where a pool's idle thread count alone would miss a result in transit."""
    return len(_dispatcher.pending) if _dispatcher is not None else 0


class _Task(QRunnable):
    def __init__(self, fn: Callable[[Report], Any], key: int, dispatcher: _Dispatcher) -> None:
        super().__init__()
        self.fn = fn
        self.key = key
        self.dispatcher = dispatcher

    def _report(self, value: Any) -> None:
        self.dispatcher.progressed.emit(self.key, value)

    def run(self) -> None:
        try:
            result = self.fn(self._report)
        except BaseException as exc:  # delivered to on_error, never lost in a thread
            self.dispatcher.finished.emit(self.key, exc, False)
        else:
            self.dispatcher.finished.emit(self.key, result, True)


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
    _start(pool, lambda _report: fn(), on_done, on_error, None, receiver)


def run_reporting_task(
    pool: QThreadPool,
    fn: Callable[[Report], Any],
    on_progress: Callable[[Any], None],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    receiver: QObject | None = None,
) -> None:
    """``run_task`` for ``fn(report)``: each ``report(value)`` in the worker becomes an
    ``on_progress(value)`` on the GUI thread, before ``on_done`` or ``on_error``."""
    _start(pool, fn, on_done, on_error, on_progress, receiver)


def _start(
    pool: QThreadPool,
    fn: Callable[[Report], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[Any], None] | None,
    receiver: QObject | None,
) -> None:
    if not shiboken6.isValid(pool):
        # Its owner is being torn down (a callback queued before a window closed asked for
        # more work): nothing can run it, and nobody is left to tell.
        return
    receiver = receiver or _owner(on_done) or _owner(on_error)
    dispatcher = _get_dispatcher()
    with _lock:
        key = next(_keys)
    dispatcher.pending[key] = _Pending(on_done, on_error, on_progress, receiver)
    try:
        pool.start(_Task(fn, key, dispatcher))
    except BaseException:
        del dispatcher.pending[key]  # never left waiting for a result that cannot come
        raise


def ignore(_: object) -> None:
    """A callback for a result (or error) nobody needs to hear about."""


def reraise(error: BaseException) -> None:
    """An ``on_error`` for a task that can only fail by a bug: on to the crash handler."""
    raise error


def pending_count() -> int:
    """Tasks whose result has not been delivered (or dropped) yet."""
    return len(_dispatcher.pending) if _dispatcher is not None else 0
