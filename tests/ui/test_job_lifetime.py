"""A window closed and deleted while a job runs gets no late worker signals."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme.palette import apply_theme


def test_window_deleted_while_a_job_runs(qtbot, qapp: QApplication, ctx: AppContext, errors) -> None:  # type: ignore[no-untyped-def]
    apply_theme(qapp)
    assert ctx.sandbox is not None
    ctx.sandbox.inference_delay = 0.6
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    win.show()
    qtbot.waitExposed(win)
    win.form.set_value(F.PROMPT, "deleted while running")
    with qtbot.waitSignal(win.queue.job_started, timeout=10_000):
        win.generate()
    qtbot.wait(150)  # progress is flowing
    win.close()
    shiboken6.delete(win)  # the queue's pool waits for the worker; its last signals are queued
    qtbot.wait(1500)
    assert errors == []
