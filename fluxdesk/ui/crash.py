"""Unexpected exceptions in the window: logged to a file, told calmly, never swallowed.

PySide prints an exception raised in a slot to stderr and carries on, which a designer
never sees. Here the traceback goes to ``<cache>/logs/fluxdesk.log`` and the window shows
one line naming the error type and the log file; no traceback dialog.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from fluxdesk.ui.messages import Severity, UserMessage

log = logging.getLogger("fluxdesk.crash")

LOG_NAME = "fluxdesk.log"
_handler: logging.Handler | None = None  # one at a time, even if install() runs again


def log_file(cache_dir: Path) -> Path:
    return cache_dir / "logs" / LOG_NAME


def install(cache_dir: Path, show: Callable[[UserMessage], None]) -> None:
    """Route unexpected exceptions to the log file and ``show`` (the window's message bar)."""
    path = log_file(cache_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            path, maxBytes=1 << 20, backupCount=2, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()  # a read-only cache dir must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.ERROR)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("Unexpected error\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        try:
            show(
                UserMessage(
                    title="Something went wrong inside FluxDesk",
                    text=f"{kind.__name__}: nothing you did caused it. Details were written to {path}.",
                    severity=Severity.ERROR,
                )
            )
        except Exception:  # the window itself may be what failed; the log still has it
            log.exception("Could not show the error in the window")

    sys.excepthook = hook
