"""The job-status presenter's words come from the job's progress, not from parsing describe()."""

from __future__ import annotations

from fluxdesk.core.generation.results import Progress, Stage
from fluxdesk.ui.window.job_status import progress_steps, running_text, saved_text


def test_status_text_is_the_activity_without_the_time() -> None:
    downloading = Progress(Stage.DOWNLOADING, 3.25, images_total=4, images_done=1, bytes_done=3 * 1_048_576)
    assert downloading.activity == "Downloading 1/4 (3.0 MiB)"
    assert downloading.describe() == "Downloading 1/4 (3.0 MiB) 3.2 s"
    assert running_text(downloading, 0) == "Downloading 1/4 (3.0 MiB)"
    assert running_text(downloading, 2) == "Downloading 1/4 (3.0 MiB)   ·   2 queued"
    # A note with numbers and spaces of its own comes through whole.
    waiting = Progress(Stage.SUBMITTING, 1.0, note="Rate limited: retrying in 12 s")
    assert running_text(waiting, 0) == "Rate limited: retrying in 12 s"
    assert running_text(Progress(Stage.SUBMITTING, 0.2), 0) == "Generating…"


def test_progress_counts_each_image_downloaded_then_saved() -> None:
    assert progress_steps(Progress(Stage.DOWNLOADING, 1, images_total=2, images_done=1)) == (1, 4)
    assert progress_steps(Progress(Stage.SAVING, 1, images_total=2, images_done=1)) == (2, 4)
    assert progress_steps(Progress(Stage.DONE, 1, images_total=2, images_done=2)) == (4, 4)


def test_saved_text_says_where() -> None:
    assert saved_text(1, True) == "Saved 1 image to the library"
    assert saved_text(3, False) == "Saved 3 images to the session folder (auto-save is off)"
