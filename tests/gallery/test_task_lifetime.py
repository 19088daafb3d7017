"""Results of background tasks never reach a widget that was deleted meanwhile."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.tasks import pending_count, run_reporting_task, run_task
from fluxdesk.ui.theme.palette import apply_theme

TIMEOUT = 10_000


def test_rescan_result_after_the_gallery_was_deleted(  # type: ignore[no-untyped-def]
    qtbot, qapp: QApplication, ctx: AppContext, library: Library, monkeypatch, errors
) -> None:
    apply_theme(qapp)
    gallery = GalleryWidget(ctx, library=library, rescan_on_open=False)
    gallery.show()
    qtbot.waitExposed(gallery)
    started, gate = threading.Event(), threading.Event()
    reindex = library.reindex

    def slow_reindex():  # type: ignore[no-untyped-def]
        started.set()
        assert gate.wait(TIMEOUT / 1000)
        return reindex()

    monkeypatch.setattr(library, "reindex", slow_reindex)
    delivered: list[object] = []
    gallery.rescanned.connect(delivered.append)
    gallery.rescan()
    assert started.wait(TIMEOUT / 1000)  # the task is in flight
    gallery.close()
    gate.set()
    shiboken6.delete(gallery)  # its pool waits for the task, whose result is then queued
    assert not shiboken6.isValid(gallery)
    qtbot.wait(200)  # deliver whatever was queued
    assert errors == [] and delivered == []
    qtbot.waitUntil(lambda: pending_count() == 0, timeout=TIMEOUT)  # nothing leaks


def test_closure_callbacks_follow_the_receiver(qtbot, qapp: QApplication, errors) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    receiver = QObject()
    gate = threading.Event()
    calls: list[object] = []

    def done(result: object) -> None:
        calls.append(receiver.objectName())  # would raise on a deleted receiver

    run_task(pool, lambda: gate.wait(TIMEOUT / 1000), done, calls.append, receiver=receiver)
    shiboken6.delete(receiver)
    gate.set()
    assert pool.waitForDone(TIMEOUT)
    qtbot.wait(100)
    assert calls == [] and errors == []
    qtbot.waitUntil(lambda: pending_count() == 0, timeout=TIMEOUT)

    # With a live receiver the callback runs, once.
    receiver = QObject()
    run_task(pool, lambda: 42, calls.append, calls.append, receiver=receiver)
    qtbot.waitUntil(lambda: calls == [42], timeout=TIMEOUT)
    run_task(pool, lambda: 1 / 0, calls.append, lambda e: calls.append(type(e)), receiver=receiver)
    qtbot.waitUntil(lambda: calls == [42, ZeroDivisionError], timeout=TIMEOUT)
    assert errors == []


def test_a_task_for_a_pool_that_is_gone_is_dropped(qtbot, errors) -> None:  # type: ignore[no-untyped-def]
    """A callback queued before a window closed may ask its (deleted) pool for more work."""
    pool = QThreadPool()
    shiboken6.delete(pool)
    calls: list[object] = []
    run_task(pool, lambda: 42, calls.append, calls.append)
    qtbot.wait(50)
    assert calls == [] and errors == [] and pending_count() == 0


def test_a_reporting_task_delivers_its_progress_in_order_then_its_result(qtbot, errors) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    receiver = QObject()
    calls: list[object] = []

    def work(report):  # type: ignore[no-untyped-def]
        for step in range(5):
            report(step)
        return "done"

    run_reporting_task(pool, work, calls.append, calls.append, calls.append, receiver=receiver)
    qtbot.waitUntil(lambda: calls[-1:] == ["done"], timeout=TIMEOUT)
    assert calls == [0, 1, 2, 3, 4, "done"] and errors == []

    # Progress still queued for a receiver that is gone is dropped, with the result.
    gate = threading.Event()
    later: list[object] = []

    def gated(report):  # type: ignore[no-untyped-def]
        report("early")
        assert gate.wait(TIMEOUT / 1000)
        report("late")
        return "result"

    run_reporting_task(pool, gated, later.append, later.append, later.append, receiver=receiver)
    qtbot.waitUntil(lambda: later == ["early"], timeout=TIMEOUT)
    shiboken6.delete(receiver)
    gate.set()
    assert pool.waitForDone(TIMEOUT)
    qtbot.wait(100)
    assert later == ["early"] and errors == []
    qtbot.waitUntil(lambda: pending_count() == 0, timeout=TIMEOUT)
