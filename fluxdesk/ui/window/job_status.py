"""The job-status presenter: the queue's jobs in the window, from each job's own state.

The status line (text, progress bar, elapsed time, the usage: the next job's images and
cost, today's against the cap), the result of a finished job, a failure's message, the
job list's selection with its Run all, Discard, Cancel job and Retry / Download again
buttons, the daily cap pausing the queue, and a notification when a job ends while the
window is in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from fluxdesk.core.generation.results import Progress, Stage
from fluxdesk.ui.generate.jobs import Job, JobRole, JobState

if TYPE_CHECKING:
    from PySide6.QtCore import QItemSelection, QModelIndex

    from fluxdesk.core.jobs.model import Job as StoredJob
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.notifications import Notifier

TICK_MS = 100  # the running job's elapsed time, in the status line and the job list


def running_text(progress: Progress, queued: int) -> str:
    """The status line while a job runs: what it does, and how many jobs wait."""
    return progress.activity + (f"   ·   {queued} queued" if queued else "")


def saved_text(images: int, auto_save: bool) -> str:
    where = "library" if auto_save else "session folder (auto-save is off)"
    return f"Saved {images} image{'s' if images != 1 else ''} to the {where}"


def progress_steps(progress: Progress) -> tuple[int, int]:
    """(value, maximum) of the progress bar: each image counts once downloaded and once saved."""
    total = progress.images_total * 2
    saved = progress.images_done if progress.stage in (Stage.SAVING, Stage.DONE) else 0
    return min(total, progress.images_done + saved), total


class JobStatusPresenter(QObject):
    """Follows the window's queue and shows it; made by the deferred build."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self._win = win
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        queue = win.queue
        win.cancel_job_button.clicked.connect(self.cancel_selected)
        win.retry_button.clicked.connect(self.retry_selected)
        win.run_all_button.clicked.connect(self.run_all)
        win.discard_button.clicked.connect(self.discard_selected)
        self._notifier: Notifier | None = None
        queue.paused_changed.connect(self._on_paused)
        queue.job_removed.connect(lambda _job: self.update_job_buttons())
        queue.job_started.connect(self._on_started)
        queue.job_changed.connect(self._on_changed)
        queue.job_done.connect(self._on_done)
        queue.job_failed.connect(self._on_failed)
        queue.job_cancelled.connect(self._on_cancelled)
        queue.idle_changed.connect(self._on_idle_changed)
        win.job_list.selectionModel().selectionChanged.connect(self._on_job_selected)
        win.job_list.activated.connect(self._on_job_activated)
        self.update_job_buttons()

    # --- the job list -------------------------------------------------------------------
    def selected_job(self) -> Job | None:
        index = self._win.job_list.currentIndex()
        job = index.data(JobRole) if index.isValid() else None
        return job if isinstance(job, Job) else None

    def select_job(self, job: Job) -> None:
        row = self._win.job_model.row_of(job)
        if row >= 0:
            self._win.job_list.setCurrentIndex(self._win.job_model.index(row))

    def cancel_selected(self) -> None:
        job = self.selected_job()
        if job is not None:
            self._win.queue.cancel(job)

    def retry_selected(self) -> None:
        job = self.selected_job()
        if job is not None and job.state in (JobState.FAILED, JobState.CANCELLED):
            self._win.queue.retry(job)

    def run_all(self) -> None:
        self._win.queue.run_all()
        self.update_job_buttons()

    def discard_selected(self) -> None:
        job = self.selected_job()
        if job is not None and job is not self._win.queue.running:
            self._win.queue.discard(job)
            self.update_usage()

    def update_job_buttons(self) -> None:
        win = self._win
        job = self.selected_job()
        can_cancel = job is not None and not job.state.finished and job.state is not JobState.WAITING
        can_retry = job is not None and job.state in (JobState.FAILED, JobState.CANCELLED)
        again = job is not None and job.can_download_again
        win.cancel_job_button.setEnabled(can_cancel)
        win.cancel_job_action.setEnabled(can_cancel)
        win.retry_button.setEnabled(can_retry)
        win.retry_action.setEnabled(can_retry)
        win.retry_button.setText("Download again" if again else "Retry")
        win.retry_button.setToolTip(
            "Download the images not yet saved (no new generation, nothing billed again)"
            if again
            else "Run the selected job again"
        )
        waiting = any(j.state is JobState.WAITING for j in win.queue.jobs)
        win.run_all_button.setEnabled(waiting)
        # Shown only when there are waiting jobs: the header keeps room for the others at 900 px.
        win.run_all_button.setVisible(waiting)
        win.clear_finished_button.setEnabled(
            any(j.state in (JobState.DONE, JobState.CANCELLED) for j in win.queue.jobs)
        )
        win.discard_button.setEnabled(
            job is not None
            and job.store_id is not None
            and job is not win.queue.running
            and job.state in (JobState.WAITING, JobState.FAILED, JobState.CANCELLED)
        )

    # --- jobs kept in the store, usage, the cap -----------------------------------------
    def show_kept(self, stored: list[StoredJob]) -> None:
        """The jobs an earlier session left: shown, waiting; none starts by itself."""
        from fluxdesk.ui.generate.stored_jobs import restored_job

        known = {job.store_id for job in self._win.queue.jobs}
        kept = [restored_job(s) for s in stored if s.id not in known]
        self._win.queue.restore(kept)
        if kept:
            waiting = sum(1 for job in kept if job.state is JobState.WAITING)
            again = sum(1 for job in kept if job.can_download_again)
            parts = [f"{waiting} waiting (Run all to start)"] if waiting else []
            parts += [f"{again} to download again"] if again else []
            failed = len(kept) - waiting - again
            parts += [f"{failed} failed"] if failed else []
            self._win.status_label.setText("Jobs from the last session: " + ", ".join(parts))
        self.update_job_buttons()
        self.update_usage()

    def store_failed(self, error: BaseException) -> None:
        from fluxdesk.core.errors import FluxDeskError
        from fluxdesk.ui.messages import user_message

        if not isinstance(error, FluxDeskError):
            raise error  # a bug: on to the crash handler
        self._win.show_message(user_message(error))

    def update_usage(self) -> None:
        """The next job's images and cost, and today's images against the cap."""
        from fluxdesk.core.errors import FluxDeskError
        from fluxdesk.ui.generate.stored_jobs import usage_text

        win = self._win
        request = win.form.request
        try:
            text, tip = usage_text(win.ctx, request.num_images if request is not None else None)
        except FluxDeskError:
            return  # the store cannot be read: said once, by store_failed
        win.usage_label.setText(text)
        win.usage_label.setToolTip(tip)

    def _on_paused(self, reason: BaseException | None) -> None:
        from fluxdesk.ui.generate.stored_jobs import describe_pause
        from fluxdesk.ui.messages import Action, Severity, UserMessage

        if reason is None:
            return
        win = self._win
        win.status_label.setText("Paused: daily cap reached")
        message = UserMessage(
            "Daily cap reached", describe_pause(reason), Severity.WARNING, Action.OPEN_SETTINGS
        )
        win.message_bar.show_message(
            message, win.open_settings, ("Run all", self.run_all), primary_label="Settings…"
        )
        self.update_job_buttons()
        self.update_usage()

    # --- notifications ----------------------------------------------------------------------
    def _notify(self, job: Job, title: str, body: str) -> None:
        """A native notification when the window is not the active one (Settings: on/off)."""
        win = self._win
        if not win.ctx.settings.notifications or win.isActiveWindow():
            return
        if self._notifier is None:
            from fluxdesk.ui.notifications import Notifier

            self._notifier = Notifier(self)
            self._notifier.activated.connect(self._on_notification_clicked)
        self._notifier.notify(job.id, title, body)

    def shutdown(self) -> None:
        if self._notifier is not None:
            self._notifier.close()
            self._notifier = None

    def _on_notification_clicked(self, job_id: int) -> None:
        """Bring the window forward at that job."""
        win = self._win
        win.showNormal() if win.isMinimized() else None
        win.raise_()
        win.activateWindow()
        win.tabs.setCurrentIndex(0)
        for job in win.queue.jobs:
            if job.id == job_id:
                self.select_job(job)
                break

    def _on_job_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        from fluxdesk.ui.window.actions import update_result_actions

        job = self.selected_job()
        view = self._win.result_view
        if job is not None and job.output is not None and view.output is not job.output:
            view.show_output(job.output, job.elapsed)
            update_result_actions(self._win)
        self.update_job_buttons()

    def _on_job_activated(self, index: QModelIndex) -> None:
        job = index.data(JobRole)
        if isinstance(job, Job) and job.state is JobState.FAILED:
            self._win.queue.retry(job)

    # --- the queue's events ---------------------------------------------------------------
    def _on_started(self, job: Job) -> None:
        # The running job is the selected one: in view (newest rows are on top), with
        # "Cancel job" for it, as Esc does; the results shown stay until it is done.
        win = self._win
        self.select_job(job)
        win.status_label.setText("Generating…")
        win.status_label.setToolTip("")
        win.progress.setRange(0, 0)
        win.progress.show()
        self._tick.start()
        self._on_tick()

    def _on_changed(self, job: Job) -> None:
        win = self._win
        if job is win.queue.running and job.progress is not None:
            value, maximum = progress_steps(job.progress) if job.progress.images_total else (0, 0)
            # Until the first image arrives nobody knows how long the API takes: the bar
            # sweeps (busy) instead of standing empty; then it fills image by image.
            win.progress.setRange(0, maximum if value else 0)
            win.progress.setValue(value)
            win.status_label.setText(running_text(job.progress, len(win.queue.queued())))
        self.update_job_buttons()

    def _on_done(self, job: Job) -> None:
        from fluxdesk.ui.window.actions import update_result_actions

        win = self._win
        assert job.output is not None
        win.result_view.show_output(job.output, job.elapsed)
        win.form_panel.set_last_seed(job.output.result.seed)
        saved = saved_text(len(job.output.images), win.ctx.settings.auto_save)
        # What the user should know about the answer (e.g. images beyond those requested,
        # which were not saved) follows the count, in full in the tooltip.
        notes = job.output.result.notes
        bar = win.message_bar
        if bar.message is not None and bar.message is win.job_failure_message:
            bar.dismiss()  # an earlier job's failure ("Offline"…): its cause is gone now
        win.status_label.setText(" · ".join((saved, *notes)))
        win.status_label.setToolTip("\n".join(notes))
        win.elapsed_label.setText(f"{job.elapsed:.1f} s")
        self.select_job(job)
        update_result_actions(win)
        self.update_usage()
        self._notify(job, "Job done", saved + ": " + " ".join(job.request.prompt.split())[:80])
        win.image_saved.emit(job)

    def _on_failed(self, job: Job) -> None:
        from fluxdesk.ui.messages import user_message

        assert job.error is not None
        message = user_message(job.error)
        self._win.status_label.setText(f"Failed: {message.title}")
        self._win.elapsed_label.clear()  # a time is the result's; a failure has none worth showing
        self._win.show_message(message, job)
        self.update_job_buttons()
        self.update_usage()
        again = " Download again to fetch the rest." if job.can_download_again else ""
        self._notify(job, "Job failed", message.text + again)

    def _on_cancelled(self, job: Job) -> None:
        self._win.status_label.setText("Cancelled")
        self._win.elapsed_label.clear()
        self.update_job_buttons()

    def _on_idle_changed(self, idle: bool) -> None:
        win = self._win
        win.cancel_button.setEnabled(not idle)
        win.cancel_action.setEnabled(not idle)  # (the menu entry is off with nothing to cancel)
        if idle:
            self._tick.stop()
            win.progress.hide()

    def _on_tick(self) -> None:
        job = self._win.queue.running
        if job is not None:
            self._win.elapsed_label.setText(f"{job.elapsed:.1f} s")
            self._win.job_model.refresh_running()
