"""File → Copy connection diagnostics: the ``fluxdesk doctor`` report on the clipboard,
with the API key and the proxy password replaced by ***, for a support request.

The checks run off the GUI thread (DNS, connections, the keyring); the status line says
when the report is ready and what its verdict is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fluxdesk.core.errors import FluxDeskError

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.main_window import MainWindow


def _report(ctx: AppContext) -> tuple[str, str]:
    """(In a worker) the redacted report and a one-line verdict."""
    from fluxdesk.core.network.diagnose import CHECK_TITLES

    diagnosis = ctx.diagnose()
    failure = diagnosis.first_failure
    verdict = "all checks passed" if failure is None else f"{CHECK_TITLES[failure.check]} failed"
    return diagnosis.report(ctx.secrets()), verdict


def copy_diagnostics(win: MainWindow) -> None:
    from fluxdesk.ui.tasks import run_task

    win.status_label.setText("Checking the connection for the diagnostics report…")
    ctx = win.ctx
    run_task(
        win.queue.pool,
        lambda: _report(ctx),
        lambda result: _copied(win, result),
        lambda error: _failed(win, error),
        receiver=win,
    )


def _copied(win: MainWindow, result: tuple[str, str]) -> None:
    from PySide6.QtGui import QGuiApplication

    report, verdict = result
    QGuiApplication.clipboard().setText(report)
    win.status_label.setText(f"Connection diagnostics copied to the clipboard ({verdict})")


def _failed(win: MainWindow, error: BaseException) -> None:
    if not isinstance(error, FluxDeskError):
        raise error  # a bug: on to the crash handler
    from fluxdesk.ui.messages import user_message

    win.status_label.setText(f"No diagnostics: {user_message(error).text}")
