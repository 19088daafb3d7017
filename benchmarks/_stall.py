"""The event loop's stalls: the gaps between the ticks of a 1 ms timer on the GUI thread.

A window that keeps up ticks every ~1 ms; a gap of N ms is N ms in which it could not
repaint or answer a click. Import after the QApplication exists.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer


class StallMeter:
    """``start()`` ... run the event loop ... ``stop()``; ``gaps`` holds each tick's gap (ms)."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        """Measure from now (earlier gaps are dropped)."""
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return list(self.gaps)
