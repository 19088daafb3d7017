"""Bulk-rate a selection of 5,000 images in the Library window: the window's longest
stall while the action runs (a 1 ms timer's longest gap), against the target < 50 ms.

    /work/venv/bin/python benchmarks/bulk_rate.py [--count 5000]

The library's files are the ones ``library_scale.py`` builds (small PNGs with real
FluxDesk metadata, cached in the temp folder), copied for each run (rating changes the
files) and indexed afresh.
The gallery is shown, Select all (Ctrl+A: every image in the index), Rating ▸ 3, then
the whole action is undone; both run on the gallery's worker with the progress strip.

Baselines: the longest gap of the same timer in an idle window (what the machine itself
adds), and the old way, ``Library.update_review`` image by image on the GUI thread,
timed on a sample and scaled to the whole selection (the window frozen all along).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _display import ensure_display
from _stall import StallMeter
from library_scale import _format_key, build

TARGET_MS = 50.0
SYNC_SAMPLE = 100  # images rated the old way, on the GUI thread, for the baseline


def cached_library(count: int) -> Path:
    """The files of library_scale.py's library of ``count`` images (built once, shared
    with it: same folder, same marker)."""
    root = Path(tempfile.gettempdir()) / f"fluxdesk-bench-library-{count}-{_format_key()}"
    marker = root / ".complete"
    if not marker.exists():
        t = time.perf_counter()
        build(root, count)
        marker.write_text("ok")
        print(f"built synthetic library of {count} images in {time.perf_counter() - t:.1f} s ({root})")
    return root


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    source = cached_library(args.count)
    ensure_display()
    work = Path(tempfile.mkdtemp(prefix="fluxdesk-bench-bulk-"))
    root = work / "library"
    # The files only: the copy gets its own index (not timed), from the files alone.
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".complete", "index.sqlite3*"))
    os.environ["FLUXDESK_HOME"] = str(work / "home")
    from fluxdesk.core.library.store import Library

    with Library(root) as fresh:
        fresh.reindex()

    from PySide6.QtCore import QTimer

    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.app import create_application, freeze_startup_objects
    from fluxdesk.ui.library.gallery import GalleryWidget

    app = create_application()
    ctx = AppContext.create()
    library = Library(root)
    assert library.count() == args.count
    gallery = GalleryWidget(ctx, library=library, rescan_on_open=False)
    gallery.resize(1280, 820)
    gallery.show()
    for _ in range(50):
        app.processEvents()
    freeze_startup_objects()  # as run_app does after its first frame (the collector on the GUI thread)

    meter = StallMeter()

    def measure(start: object | None, seconds: float = 0.0) -> tuple[list[float], float]:
        """Run the event loop until the bulk action ``start`` begins has finished (or
        for ``seconds`` when idle); the timer's gaps and the time taken."""
        t0 = time.perf_counter()
        meter.start()
        if start is None:
            QTimer.singleShot(int(seconds * 1000), app.quit)
        else:
            gallery.bulk.finished.connect(app.quit)
            QTimer.singleShot(0, start)  # type: ignore[arg-type]
        QTimer.singleShot(600_000, app.quit)
        app.exec()
        gaps = meter.stop()
        if start is not None:
            gallery.bulk.finished.disconnect(app.quit)
        return gaps, time.perf_counter() - t0

    idle, _ = measure(None, 1.0)

    gallery.bulk.scope.select_all()
    assert gallery.bulk.scope.count() == args.count
    rate_gaps, rate_s = measure(lambda: gallery.bulk.rate(3))
    rated = library.count()  # every image kept (and the index agrees with the files: tests)
    ratings = {i.rating for i in library.items()}
    undo_gaps, undo_s = measure(gallery.message_bar.primary.click)  # Undo

    # The old way: update_review one image after another on the GUI thread.
    sample = [i.id for i in library.items(limit=SYNC_SAMPLE)]
    t = time.perf_counter()
    for item_id in sample:
        library.update_review(item_id, rating=4)
    sync_s = (time.perf_counter() - t) / len(sample) * args.count

    def line(name: str, values: list[float], seconds: float) -> str:
        at = sum(values[: values.index(max(values))]) / 1000 if values else 0.0
        values = sorted(values) or [0.0]
        p99 = values[max(0, int(len(values) * 0.99) - 1)]
        return (
            f"{name:<26} longest stall {values[-1]:6.1f} ms (at {at:4.1f} s), p99 {p99:5.1f} ms, "
            f"median {statistics.median(values):4.1f} ms, {seconds:6.1f} s"
        )

    print(f"library: {args.count:,} images ({rated:,} after), all selected, ratings after: {sorted(ratings)}")
    print(line("idle window (baseline)", idle, 1.0))
    print(line("bulk rate 3 (worker)", rate_gaps, rate_s) + f", {args.count / rate_s:,.0f} images/s")
    print(line("undo of it (worker)", undo_gaps, undo_s))
    print(f"{'old way: GUI-thread loop':<26} frozen for ~{sync_s:.1f} s (measured on {len(sample)} images)")
    worst = max(max(rate_gaps, default=0.0), max(undo_gaps, default=0.0))
    print(f"longest stall {worst:.1f} ms (target < {TARGET_MS:.0f})")
    gallery.shutdown()
    library.close()
    ctx.close()
    shutil.rmtree(work, ignore_errors=True)
    ok = worst < TARGET_MS and ratings == {3}
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
