"""The window's queue backed by the job store (issue 14), with real windows, the real
in-process sandbox and real files: jobs waiting at close come back on the next start
(waiting, not started by themselves), "Download again" fetches only what is missing, and
the daily cap pauses the queue instead of failing jobs one by one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fluxdesk.core.context import AppContext
from fluxdesk.sandbox.server import Sandbox
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.settings_dialog import SettingsDialog
from fluxdesk.ui.theme.palette import apply_theme

TIMEOUT = 20_000


def generation_posts(sandbox: Sandbox | None) -> int:
    assert sandbox is not None
    return sum(1 for r in sandbox.requests if r.server == "api" and r.path == "/v1/images/generations")


def library_images(home: Path) -> list[Path]:
    return sorted(p for p in (home / "library").rglob("*") if p.suffix in (".jpg", ".png"))


def open_window(qtbot, qapp: QApplication, ctx: AppContext) -> MainWindow:  # type: ignore[no-untyped-def]
    apply_theme(qapp)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(1280, 820)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.built, timeout=3000)
    return win


def test_the_cap_pauses_the_queue_and_waiting_jobs_survive_a_restart(  # type: ignore[no-untyped-def]
    qtbot, qapp: QApplication, window: MainWindow, ctx: AppContext, fd_home: Path
) -> None:
    ctx.settings.daily_cap = 1
    ctx.settings.price_per_image = 0.05
    window.form.set_value(F.PROMPT, "one fox")
    first = window.generate()
    assert first is not None
    qtbot.waitUntil(lambda: first.state is JobState.DONE, timeout=TIMEOUT)
    window.form.set_value(F.PROMPT, "two foxes")
    second = window.generate()
    assert second is not None
    qtbot.waitUntil(lambda: second.state is JobState.WAITING, timeout=TIMEOUT)
    window.form.set_value(F.PROMPT, "three foxes")
    third = window.generate()
    assert third is not None and third.state is JobState.QUEUED  # the queue is paused
    # One message for the pause, not one failure per job; nothing was sent for them.
    assert window.message_bar.message is not None
    assert window.message_bar.message.title == "Daily cap reached"
    assert "cap of 1 images a day (1 used today)" in window.message_bar.message.text
    assert window.queue.paused is not None and window.queue.running is None
    assert generation_posts(ctx.sandbox) == 1
    assert "Today: 1 of 1 images · 0.05" in window.usage_label.text()
    assert "Next: 1 image ≈ 0.05" in window.usage_label.text()
    assert window.run_all_button.isEnabled()

    window.close()  # the two jobs that wait are kept in the store
    ctx.close()
    later = AppContext.create(use_sandbox=True, inference_delay=0.05)
    try:
        win = open_window(qtbot, qapp, later)
        qtbot.waitUntil(lambda: len(win.queue.jobs) == 2, timeout=TIMEOUT)
        prompts = {job.request.prompt: job for job in win.queue.jobs}
        assert set(prompts) == {"two foxes", "three foxes"}
        assert all(job.state is JobState.WAITING for job in win.queue.jobs)  # not started
        assert "Jobs from the last session: 2 waiting" in win.status_label.text()
        qtbot.wait(200)
        assert win.queue.running is None and generation_posts(later.sandbox) == 0

        later.settings.daily_cap = 10
        qtbot.mouseClick(win.run_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: all(j.state is JobState.DONE for j in win.queue.jobs), timeout=TIMEOUT)
        assert generation_posts(later.sandbox) == 2  # one generation request per job
        assert len(library_images(fd_home)) == 3
        assert later.jobs().unfinished() == []
        assert "Today: 3 of 10 images · 0.15" in win.usage_label.text()
        win.close()
    finally:
        later.close()


def test_download_again_fetches_only_what_is_missing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, fd_home: Path
) -> None:
    assert ctx.sandbox is not None
    ctx.sandbox.inject("cdn_error", count=1000)
    window.form.set_value(F.PROMPT, "a paid harbour")
    window.form.set_value(F.NUM_IMAGES, 2)
    job = window.generate()
    assert job is not None
    qtbot.waitUntil(lambda: job.state is JobState.FAILED, timeout=TIMEOUT)
    assert job.can_download_again and job.saved_note == "0 of 2 saved"
    window.job_status.select_job(job)
    assert window.retry_button.text() == "Download again" and window.retry_button.isEnabled()
    assert library_images(fd_home) == []

    ctx.sandbox.clear_faults()
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT):
        qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
    assert job.state is JobState.DONE and job.output is not None and len(job.output.images) == 2
    assert len(library_images(fd_home)) == 2
    assert generation_posts(ctx.sandbox) == 1  # downloaded again, never generated again
    assert ctx.jobs().unfinished() == []
    assert not list(fd_home.rglob("*.part"))


def test_discard_forgets_a_waiting_job(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext
) -> None:
    ctx.settings.daily_cap = 1
    window.form.set_value(F.PROMPT, "a")
    window.form.set_value(F.NUM_IMAGES, 2)  # more than the cap: waits at once
    job = window.generate()
    assert job is not None
    qtbot.waitUntil(lambda: job.state is JobState.WAITING, timeout=TIMEOUT)
    window.job_status.select_job(job)
    assert window.discard_button.isEnabled()
    qtbot.mouseClick(window.discard_button, Qt.MouseButton.LeftButton)
    assert job not in window.queue.jobs and window.job_model.rowCount() == 0
    assert ctx.jobs().unfinished() == [] and generation_posts(ctx.sandbox) == 0


def test_settings_hold_the_cap_price_and_notifications(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.key_edit.isEnabled, timeout=TIMEOUT)  # the key was loaded
    assert dialog.daily_cap.text() == "No cap" and dialog.price.text() == "Not set"
    dialog.daily_cap.setValue(40)
    dialog.price.setValue(0.025)
    dialog.notifications.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert (ctx.settings.daily_cap, ctx.settings.price_per_image, ctx.settings.notifications) == (
        40,
        0.025,
        False,
    )


@pytest.mark.subprocess
def test_a_job_accepted_by_a_process_that_died_offers_download_again(  # type: ignore[no-untyped-def]
    qtbot, qapp: QApplication, fd_home: Path
) -> None:
    """A process (here a script, as a killed window would) got the API's answer and died
    before downloading: the next window lists the job with "Download again", which saves
    its images without a second generation request."""
    ctx = AppContext.create(use_sandbox=True, inference_delay=0.05)
    try:
        assert ctx.sandbox is not None
        code = (
            "import os\n"
            "from fluxdesk.core.generation.client import ApiClient, ClientConfig\n"
            "from fluxdesk.core.generation.generate import generate\n"
            "from fluxdesk.core.jobs.runner import StoreJournal\n"
            "from fluxdesk.core.jobs.store import JobStore, jobs_db_path\n"
            "from fluxdesk.core.paths import app_paths\n"
            "from fluxdesk.core.request import validated_request\n"
            "store = JobStore(jobs_db_path(app_paths().data))\n"
            "job = store.add(validated_request({'prompt': 'a lost fox', 'num_images': 2}))\n"
            "journal = StoreJournal(store, job.id)\n"
            "journal.sending()\n"
            f"config = ClientConfig(base_url={ctx.sandbox.base_url!r}, api_key={ctx.sandbox.api_key!r})\n"
            "client = ApiClient(config)\n"
            "from datetime import datetime, timezone\n"
            "response = client.submit(job.request)\n"
            "journal.accepted(response, datetime.now(timezone.utc).replace(microsecond=0))\n"
            "os._exit(0)\n"  # dies before any download, as a killed process would
        )
        env = {**os.environ, "FLUXDESK_HOME": str(fd_home)}
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        assert generation_posts(ctx.sandbox) == 1

        win = open_window(qtbot, qapp, ctx)
        qtbot.waitUntil(lambda: len(win.queue.jobs) == 1, timeout=TIMEOUT)
        (job,) = win.queue.jobs
        assert job.state is JobState.FAILED and job.can_download_again and job.saved_note == "0 of 2 saved"
        win.job_status.select_job(job)
        assert win.retry_button.text() == "Download again"
        with qtbot.waitSignal(win.image_saved, timeout=TIMEOUT):
            qtbot.mouseClick(win.retry_button, Qt.MouseButton.LeftButton)
        assert job.state is JobState.DONE and len(library_images(fd_home)) == 2
        assert generation_posts(ctx.sandbox) == 1 and ctx.jobs().unfinished() == []
        assert not list(fd_home.rglob("*.part"))
        win.close()
    finally:
        ctx.close()
