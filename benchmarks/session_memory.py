"""Session memory: N generations (default 100) of a 1024×768 image in one window, against
the in-process sandbox, one after another as a user clicks Generate all day.

The figure is the resident memory's growth per image after the 10th (by then the
thumbnail cache is full and Qt's and the allocator's one-time costs are paid), as a
least-squares slope over images 10…N, with the total for reference. Target ≤ 0.5 MB per
image (it was ~5 MB: every finished job kept its decoded full-size image and thumbnail).

    .venv/bin/python benchmarks/session_memory.py [--generations 100]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _display import ensure_display

MB = 1_000_000
WARM_UP = 10
TARGET_MB_PER_IMAGE = 0.5


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares bytes per image."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generations", type=int, default=100, help=f"at least {WARM_UP + 2}")
    args = parser.parse_args()
    count = max(WARM_UP + 2, args.generations)
    ensure_display()
    os.environ.setdefault("FLUXDESK_HOME", tempfile.mkdtemp(prefix="fluxdesk-memory-"))
    from PySide6.QtCore import QTimer

    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.app import create_application
    from fluxdesk.ui.generate import form as F
    from fluxdesk.ui.generate.jobs import JobState
    from fluxdesk.ui.main_window import MainWindow

    app = create_application()
    ctx = AppContext.create(use_sandbox=True, inference_delay=0.05)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    win.resize(1440, 900)
    win.show()
    for _ in range(50):
        app.processEvents()
    win.form.set_value(F.PROMPT, "session memory: a lighthouse at dusk, 1024x768")
    samples: list[tuple[int, int]] = []
    failures: list[str] = []
    started = time.perf_counter()

    def next_job(job: object = None) -> None:
        if job is not None:
            if getattr(job, "state", None) is not JobState.DONE:
                failures.append(str(getattr(job, "error", "?")))
                app.quit()
                return
            gc.collect()
            samples.append((len(samples) + 1, rss()))
            if len(samples) >= count:
                app.quit()
                return
        QTimer.singleShot(5, win.generate_button.click)  # after the cards of the last job settled

    win.image_saved.connect(next_job)
    win.queue.job_failed.connect(lambda job: (failures.append(str(job.error)), app.quit()))
    base = rss()
    QTimer.singleShot(50, next_job)
    app.exec()
    win.queue.shutdown()
    ctx.close()
    if failures or len(samples) < count:
        print("generations did not finish:", failures or len(samples))
        return 2
    after = [point for point in samples if point[0] >= WARM_UP]
    per_image = slope(after) / MB
    first, last = samples[WARM_UP - 1][1], samples[-1][1]
    print(
        f"{count} generations of 1024x768 in {time.perf_counter() - started:.0f} s: RSS {base / MB:.0f} MB "
        f"at start, {first / MB:.0f} MB after image {WARM_UP}, {last / MB:.0f} MB after image {count}"
    )
    print(
        f"growth per image after the {WARM_UP}th: {per_image:.3f} MB (least squares; "
        f"{(last - first) / MB / (count - WARM_UP):.3f} MB end to end); target <= {TARGET_MB_PER_IMAGE}"
    )
    return 0 if per_image <= TARGET_MB_PER_IMAGE else 1


if __name__ == "__main__":
    sys.exit(main())
