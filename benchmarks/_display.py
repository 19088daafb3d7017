"""Run a benchmark under Xvfb when there is no display (real xcb platform)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def ensure_display() -> None:
    env = os.environ
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("FLUXDESK_BENCH_CHILD"):
        return
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        return
    env = dict(os.environ, FLUXDESK_BENCH_CHILD="1")
    cmd = [xvfb, "-a", "-s", "-screen 0 1920x1080x24", sys.executable, *sys.argv]
    sys.exit(subprocess.call(cmd, env=env))
