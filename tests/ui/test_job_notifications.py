"""A job that ends while the window is in the background is announced through the real
freedesktop path (a notification service on a private D-Bus), and a click on the
notification brings the window forward at that job; with notifications off, nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow
from tests.ui.notification_bus import private_bus, start_service  # noqa: F401 (a fixture)

TIMEOUT = 20_000


@pytest.fixture
def other_window(qtbot, qapp: QApplication) -> Iterator[QWidget]:  # type: ignore[no-untyped-def]
    """Another window to make active, so FluxDesk's is in the background."""
    other = QWidget()
    other.setWindowTitle("another application")
    qtbot.addWidget(other)
    yield other


@pytest.mark.usefixtures("private_bus")
def test_a_background_job_is_notified_and_the_click_selects_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, other_window: QWidget, tmp_path: Path
) -> None:
    log = tmp_path / "notifications.jsonl"
    service = start_service(log, "click")
    try:
        other_window.show()
        other_window.activateWindow()
        qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=TIMEOUT)
        window.form.set_value(F.PROMPT, "a fox at night")
        job = window.generate()
        assert job is not None
        qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=TIMEOUT)
        qtbot.waitUntil(log.exists, timeout=TIMEOUT)
        (shown,) = [json.loads(line) for line in log.read_text().splitlines()]
        assert shown["summary"] == "Job done" and "a fox at night" in shown["body"]
        # The service answered with a click: the window comes forward at the job.
        qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
        assert window.job_status.selected_job() is job
    finally:
        service.terminate()
        service.wait()


@pytest.mark.usefixtures("private_bus")
def test_no_notification_when_they_are_off(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, other_window: QWidget, tmp_path: Path
) -> None:
    ctx.settings.notifications = False
    log = tmp_path / "notifications.jsonl"
    service = start_service(log)
    try:
        other_window.show()
        other_window.activateWindow()
        qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=TIMEOUT)
        window.form.set_value(F.PROMPT, "a quiet fox")
        job = window.generate()
        assert job is not None
        qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=TIMEOUT)
        qtbot.wait(300)
        assert not log.exists()
    finally:
        service.terminate()
        service.wait()
