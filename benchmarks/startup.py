"""Start-up: process start → main window shown, FluxDesk vs a bare PySide6 QMainWindow.

Both are measured in the same run, alternating, as whole processes (interpreter start
included); the figure is the ratio of the medians. Target: ≤ 1.3×.

The bare process prints "shown" once its window is exposed (and one more round of
events has run). FluxDesk runs exactly as ``fluxdesk --sandbox`` does (``run_app``), with
``FLUXDESK_EXIT_WHEN_SHOWN=1``: the window prints "shown" and exits once its first frame
(form with the prompt focused, Generate button, tabs, empty result area, status line)
has been painted — before the parts it builds right after that frame.

    /work/venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _display import ensure_display

WAIT_SHOWN = """
from PySide6.QtGui import QGuiApplication
def wait_shown(app, w):
    handle = w.windowHandle()
    while handle is None or not handle.isExposed():
        app.processEvents()
        handle = w.windowHandle()
    app.processEvents()
    print("shown", flush=True)
    import os; os._exit(0)
"""

BARE = (
    WAIT_SHOWN
    + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1280, 820)
w.show()
wait_shown(app, w)
"""
)

FLUXDESK = """
from fluxdesk.ui.app import run_app
run_app(use_sandbox=True)   # what `fluxdesk --sandbox` runs; exits when first shown
"""


def measure(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait()
    if line.strip() != "shown":
        raise RuntimeError("child did not show its window")
    return elapsed


def main() -> int:
    ensure_display()
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="fluxdesk-bench-")
    env = dict(os.environ, FLUXDESK_HOME=home, FLUXDESK_EXIT_WHEN_SHOWN="1")
    # Bytecode caches as on an installed system: any value of this variable (even "0")
    # stops Python writing them, and every run would then compile the edited modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    measure(BARE, env)  # warm the OS file cache for both
    measure(FLUXDESK, env)
    bare, app = [], []
    for _ in range(args.runs):
        bare.append(measure(BARE, env))
        app.append(measure(FLUXDESK, env))
    mb, ma = statistics.median(bare), statistics.median(app)
    print(f"bare QMainWindow : median {mb * 1000:.0f} ms  ({', '.join(f'{x * 1000:.0f}' for x in bare)})")
    print(f"FluxDesk window  : median {ma * 1000:.0f} ms  ({', '.join(f'{x * 1000:.0f}' for x in app)})")
    ratio = ma / mb
    print(f"ratio            : {ratio:.2f}x  (target <= 1.30x)")
    return 0 if ratio <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
