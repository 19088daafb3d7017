"""The process entry: ``fluxdesk`` and ``python -m fluxdesk``.

The cyclic garbage collector is paused before anything else is imported. Start-up
allocates a few hundred thousand long-lived objects (modules, PySide types and enums,
widgets) and frees almost none, so passes over them are pure cost, already during the command
line's own imports (README, Start-up). ``cli.main`` turns it back on at once
for a command; the window does after its first frame (``ui.app.freeze_startup_objects``).
"""

from __future__ import annotations

import gc
import sys

gc.disable()

from fluxdesk.cli.main import main  # noqa: E402  (after the collector is paused)

if __name__ == "__main__":
    sys.exit(main())
