"""The first frame is built without the costly PySide enum sets (see fluxdesk/ui/lazy_qt.py).

A fresh ``fluxdesk --sandbox`` process records every Python enum PySide creates until
its first frame is on screen. The ``Qt`` namespace (~90 enums, ~15 ms) and ``QStyle``
(~5 ms) must not be among them; an innocent-looking ``Qt.AlignmentFlag`` in first-frame
code is enough to bring them back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import enum, json, os, sys
import PySide6.QtWidgets  # what a bare QApplication needs is not counted
members = []
_create = enum.EnumType._create_
def _recording(cls, class_name, names, **kw):
    made = _create(cls, class_name, names, **kw)
    members.extend(made.__members__)
    return made
enum.EnumType._create_ = _recording

from fluxdesk.ui import app
def _report():
    print(json.dumps(members), flush=True)
    os._exit(0)
app._exit_when_shown = _report
app.run_app(use_sandbox=True)
"""

# Members of an enum of each (a class's enums are all created at once).
QT_NAMESPACE = {"AlignLeft", "Key_Return", "Horizontal"}  # Qt.AlignmentFlag, Qt.Key, Qt.Orientation
QSTYLE = {"PM_ScrollBarExtent", "SH_ToolTip_Mask"}  # QStyle.PixelMetric, QStyle.StyleHint
QEVENT = {"MouseButtonPress"}  # QEvent.Type


def run_child(code: str, home: Path, *args: str) -> str:
    """Run ``code`` in a fresh interpreter (as ``fluxdesk`` with FLUXDESK_HOME=home); its stdout."""
    env = dict(os.environ, FLUXDESK_HOME=str(home), FLUXDESK_EXIT_WHEN_SHOWN="1")
    command = [sys.executable, "-c", code, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_first_frame_creates_no_qt_namespace_or_qstyle_enums(tmp_path: Path) -> None:
    created = set(json.loads(run_child(CHILD, tmp_path).splitlines()[-1]))
    assert "WindowText" in created  # the recording works (the palette needs QPalette.ColorRole)
    assert not created & QT_NAMESPACE, "first-frame code touched the Qt namespace"
    assert not created & QSTYLE, "first-frame code touched a QStyle"
    assert not created & QEVENT, "a Python event handler ran before the first frame"


SCAN_CHILD = """
import inspect, sys
import fluxdesk.ui.app  # noqa: F401  (turns PySide's source scan off)
def no_reading(obj):
    raise RuntimeError("PySide read a module's source")
inspect.getsource = no_reading
sys.path.insert(0, sys.argv[1])
import fresh_module  # its import would run the scan
print("imported", flush=True)
"""


def test_pyside_does_not_read_the_source_of_modules_imported_after_it(tmp_path: Path) -> None:
    (tmp_path / "fresh_module.py").write_text("VALUE = 1\n")
    assert run_child(SCAN_CHILD, tmp_path, str(tmp_path)) == "imported"


GC_CHILD = """
import gc, os
from fluxdesk.cli import main as cli
from fluxdesk.ui import app, collector
from PySide6.QtCore import QTimer
def at_first_frame():
    paused = not gc.isenabled()
    def later():
        on_gui_thread = bool(collector._collector) and collector._collector[0].timer.isActive()
        print(paused, not gc.isenabled() and on_gui_thread, gc.get_freeze_count() > 0, flush=True)
        os._exit(0)
    QTimer.singleShot(300, later)
app._exit_when_shown = at_first_frame
cli.main(["--sandbox"])
"""


def test_collector_paused_until_the_first_frame_then_on_with_startup_objects_frozen(tmp_path: Path) -> None:
    # (paused at the first frame, then collecting from the GUI thread's timer only,
    # start-up objects frozen)
    assert run_child(GC_CHILD, tmp_path).split() == ["True", "True", "True"]


LAUNCHER_CHILD = """
import gc, sys
sys.argv = ["fluxdesk", "library", "list"]
import fluxdesk.__main__ as launcher  # what the `fluxdesk` command imports first
print(gc.isenabled(), flush=True)  # paused before the command line's imports
launcher.main()
print(gc.isenabled(), flush=True)  # a command turns it back on
"""


def test_the_launcher_pauses_the_collector_and_a_command_resumes_it(tmp_path: Path) -> None:
    lines = run_child(LAUNCHER_CHILD, tmp_path).splitlines()
    assert (lines[0], lines[-1]) == ("False", "True")
