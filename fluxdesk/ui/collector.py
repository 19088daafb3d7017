"""Python's cyclic garbage collector, run on the GUI thread only.

Python collects in whichever thread happens to allocate past the threshold. While the
window runs, that is often a worker (an HTTP download, a thumbnail, a library query), and
a collection there finalises whatever cycles it finds, Qt objects among them (a widget's
wrapper, a pixmap, a signal's closure). Qt objects must be destroyed on their own thread:
done from a worker, it is a rare segfault during garbage collection (seen once in the
window tests while download threads ran). So the window turns automatic collection off
and collects from a timer on the GUI thread, with the generations' usual thresholds, as
qutebrowser does for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects on the GUI thread: each tick, the oldest generation past its threshold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Automatic collection back on (the tests' teardown: no event loop runs after)."""
        self.timer.stop()
        gc.enable()

    @staticmethod
    def collect_due() -> int:
        """Collect the oldest generation whose count passed its threshold (as the automatic
        collector would have by now); the generation collected, or -1 for none."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return -1
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        gc.collect(generation)
        return generation


_collector: list[GuiThreadCollector] = []


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Turn automatic collection off and collect from ``app``'s thread from now on."""
    if not _collector:
        _collector.append(GuiThreadCollector(app))
    collector = _collector[0]
    collector.start()
    return collector
