"""SIGTERM closes the window as Quit does: a running job is cancelled at once (the
download's socket is shut, not left to its timeout) and its temporary file removed."""

from __future__ import annotations

import os
import signal

from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.sigterm import SigtermWatch


def test_sigterm_closes_the_window_and_cleans_up_a_running_job(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, fd_home
) -> None:
    assert ctx.sandbox is not None
    ctx.sandbox.inject("slow_download", count=10, seconds=600, chunks=6000)  # ~10 minutes
    closed: list[bool] = []
    watch = SigtermWatch(lambda: (closed.append(True), window.close()))
    try:
        qtbot.keyClicks(window.form_panel.prompt, "a fox, terminated")
        window.generate_button.click()
        qtbot.waitUntil(lambda: bool(list(fd_home.rglob("*.part"))), timeout=15_000)
        job = window.queue.running
        assert job is not None
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: bool(closed) and not window.isVisible(), timeout=15_000)
    finally:
        watch.uninstall()
    assert watch.received and watch.EXIT_CODE == 143
    # Closing cancelled the job and waited for its worker, which removed its .part file
    # (the job shows "cancelled" if its outcome came back before the window went).
    assert job.cancel_token.cancelled and job.state in (JobState.RUNNING, JobState.CANCELLED)
    assert window.queue.pool.activeThreadCount() == 0
    assert list(fd_home.rglob("*.part")) == []
    assert signal.getsignal(signal.SIGTERM) is not watch._handle
