"""The window's garbage collector runs on the GUI thread only (ui/collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from fluxdesk.ui.app import freeze_startup_objects
from fluxdesk.ui.collector import collect_on_gui_thread


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def _cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_a_worker_allocating_past_the_threshold_collects_nothing_the_gui_thread_does(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    collector = collect_on_gui_thread(qapp)
    assert not gc.isenabled() and collector.timer.isActive()
    gc.collect()
    garbage = _cycle()
    assert garbage() is not None

    kept: list[list[object]] = []

    def allocate() -> None:  # kept alive: far past the youngest generation's threshold
        kept.extend([] for _ in range(gc.get_threshold()[0] * 20))

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert garbage() is not None, "a collection ran on the worker thread"
    qtbot.waitUntil(lambda: garbage() is None, timeout=5000)  # the GUI thread's timer
    kept.clear()


def test_collect_due_picks_the_oldest_generation_past_its_threshold(qapp) -> None:  # type: ignore[no-untyped-def]
    collector = collect_on_gui_thread(qapp)
    gc.collect()
    assert collector.collect_due() == -1  # nothing allocated since
    keep = [[] for _ in range(gc.get_threshold()[0] + 10)]
    assert collector.collect_due() == 0
    del keep


def test_the_app_hands_collection_to_the_gui_thread_after_its_first_frame(qapp) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(QApplication.instance(), QApplication)
    gc.enable()
    try:
        freeze_startup_objects()
        assert not gc.isenabled()
        assert collect_on_gui_thread(qapp).timer.isActive()
    finally:
        gc.unfreeze()
