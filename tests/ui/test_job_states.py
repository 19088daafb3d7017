"""The job list's look: one icon per state, a one-line failure reason, compact result header."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.generate.job_delegate import state_icons
from fluxdesk.ui.generate.jobs import Job, JobState
from fluxdesk.ui.theme.line_icons import NAMES, line_icon


def test_state_icons_are_drawn(qapp: QApplication) -> None:
    icons = state_icons()
    assert set(icons) == set(JobState)
    for icon in icons.values():
        assert not icon.isNull() and not icon.pixmap(16, 16).toImage().isNull()
    for name in NAMES:
        assert not line_icon(name).isNull()


def test_failed_row_shows_one_line_reason() -> None:
    job = Job(request=GenerationRequest(prompt="x"))
    job.state = JobState.FAILED
    job.error = FluxDeskError("The server said no.\n\nDetails: a long\nbody")
    assert job.status_text() == "Failed · The server said no."
    job.error = ValueError("internal\ntrace")
    assert job.status_text() == "Failed · Unexpected error (ValueError)"
