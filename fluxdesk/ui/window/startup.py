"""Start-up: the first frame on screen first, then the rest of the window.

``StartUp`` waits for the window system to show the first frame (``MainWindow.
first_frame_shown``), then emits ``started_up``, builds everything the first frame does
without (``build_rest``: the job panel, message bar, result view, progress bar, Library
page, the job queue, the actions and menus and the job-status presenter) and warms up
(the sandbox, the key check). Anything that needs those parts earlier (Generate, a
message) calls ``MainWindow.ensure_built`` first. Their modules are imported then too.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from PySide6.QtCore import Qt, QThreadPool

    from fluxdesk.ui.generate.generation import JobWork
    from fluxdesk.ui.generate.jobs import Job, JobQueue
    from fluxdesk.ui.main_window import MainWindow
else:
    from fluxdesk.ui.lazy_qt import Qt

STARTUP_FALLBACK_S = 1.0


class StartUp:
    """The window's start-up, from its first ``show()`` to the built window; each step once."""

    queue: JobQueue  # made by ensure_built

    def __init__(self, win: MainWindow, pool: QThreadPool | None, *, check_key: bool) -> None:
        self._win = win
        self._pool = pool
        self._check_key = check_key
        self._first_shown: float | None = None  # time.monotonic() of the first show()
        self._started_up = False
        self.built = False

    def shown(self) -> None:
        """The window became visible (from ``setVisible``: a Python show or paint event
        handler would make PySide create the event classes' enums before the first frame)."""
        if self._first_shown is None:
            self._first_shown = time.monotonic()
            self._win.form_panel.prompt.setFocus()
            self._await_first_frame()

    def _await_first_frame(self) -> None:
        """Poll until the window system has exposed the window: Qt paints a widget window
        while handling its expose event, so one more round of events later the first
        frame is on screen (the bare-window baseline of benchmarks/startup.py waits the
        same way). A window not exposed within STARTUP_FALLBACK_S (started minimised)
        finishes start-up anyway; ``first_frame_shown`` is then never emitted."""
        win = self._win
        handle = win.windowHandle()
        if handle is not None and handle.isExposed():
            QTimer.singleShot(0, win, win.first_frame_shown.emit)
            QTimer.singleShot(0, win, self._finish)
            return
        assert self._first_shown is not None
        waited = time.monotonic() - self._first_shown
        if waited >= STARTUP_FALLBACK_S:
            self._finish()
        elif win.isVisible():
            # Every round of events at first (as the baseline does), then less often.
            QTimer.singleShot(0 if waited < 0.25 else 10, win, self._await_first_frame)
        else:
            self._first_shown = None  # hidden before it was ever exposed: poll on the next show

    def _finish(self) -> None:
        """Right after the first frame (or the fallback): what the first frame could do
        without (``started_up``), build the rest, warm up (sandbox, key check)."""
        if self._started_up:
            return
        self._started_up = True
        self._win.started_up.emit()
        self.ensure_built()
        self.warm_up()

    def ensure_built(self) -> None:
        """Build everything the first frame does not show; idempotent."""
        if self.built:
            return
        self.built = True
        win = self._win
        from fluxdesk.ui.generate.jobs import JobQueue
        from fluxdesk.ui.generate.stored_jobs import StoreLink
        from fluxdesk.ui.window.actions import build_actions
        from fluxdesk.ui.window.file_actions import FileActions
        from fluxdesk.ui.window.job_status import JobStatusPresenter

        self.queue = JobQueue(lambda job: _job_work(win, job), self._pool, win, store=StoreLink(win.ctx))
        win.setUpdatesEnabled(False)  # one repaint for all the new parts
        try:
            win.form_panel.finish_after_first_frame()
            # The selected tab's look needs QStyle: set now, not in the first frame (the
            # tabs keep their sizes, see tab_style.py).
            set_role(win.tabs.tabBar(), "tabs")
            build_rest(win)
            win.files = FileActions(win)
            build_actions(win)
            win.job_status = JobStatusPresenter(win)
            from fluxdesk.ui.window.layout import fold_form_for_tab

            win.tabs.currentChanged.connect(lambda index: fold_form_for_tab(win, index))
            fold_form_for_tab(win, win.tabs.currentIndex())
        finally:
            win.setUpdatesEnabled(True)
        win.update_generate()
        self._load_kept_jobs()

    def _load_kept_jobs(self) -> None:
        """Jobs an earlier session left in the store come back, waiting (off the GUI thread:
        opening the store may recover a crashed session's jobs)."""
        from fluxdesk.ui.generate.stored_jobs import load_kept
        from fluxdesk.ui.tasks import run_task

        win = self._win
        run_task(
            self.queue.pool,
            lambda: load_kept(win.ctx),
            win.job_status.show_kept,
            win.job_status.store_failed,
            receiver=win,
        )

    def warm_up(self) -> None:
        """After the first frame: start the sandbox, check for a key (both off-thread)."""
        self.ensure_built()
        win = self._win
        from fluxdesk.ui.tasks import ignore, reraise, run_task

        if win.ctx.uses_sandbox:
            # A start that fails is not lost: the first job starts it again and says why.
            run_task(win.queue.pool, win.ctx.ensure_sandbox, ignore, ignore, receiver=win)
        elif self._check_key:
            # Off the GUI thread: the keyring may block on D-Bus.
            run_task(win.queue.pool, win.ctx.has_key, self._key_checked, reraise, receiver=win)

    def _key_checked(self, has_key: bool) -> None:
        """Without a key (and no sandbox), the first run offers both ways on."""
        from fluxdesk.ui.messages import Action, Severity, UserMessage

        win = self._win
        if has_key or win.ctx.uses_sandbox:
            return
        welcome = UserMessage(
            "Welcome to FluxDesk",
            "Add your AI/ML API key to generate images, or try everything first with the "
            "offline sandbox (no key, no cost).",
            Severity.INFO,
            Action.OPEN_SETTINGS,
        )
        win.message_bar.show_message(
            welcome,
            win.open_settings,
            ("Try the sandbox", win.switch_to_sandbox),
            primary_label="Add API key…",
        )


def _job_work(win: MainWindow, job: Job) -> JobWork:
    from fluxdesk.ui.generate.generation import generation_work, thumb_side_for

    thumb_side = thumb_side_for(win.devicePixelRatioF())  # (the screen the window is on)
    ctx = win.ctx
    if job.store_id is not None:  # (every queued job: see stored_jobs.py)
        from fluxdesk.ui.generate.stored_jobs import stored_work

        return stored_work(ctx, job, thumb_side)
    from fluxdesk.core.sweep import stacked

    sink = lambda: stacked(ctx.make_sink(), job.stack)  # noqa: E731 (a sweep's cells: one stack)
    return generation_work(job.request, ctx.make_client, sink, job.cancel_token, thumb_side)


def build_rest(win: MainWindow) -> None:
    """The parts the first frame does not need, swapped in for their placeholders."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QHBoxLayout,
        QLabel,
        QListView,
        QPushButton,
        QVBoxLayout,
        QWidget,
    )

    from fluxdesk.ui.generate.job_delegate import JobDelegate, state_icons
    from fluxdesk.ui.generate.jobs import JobListModel
    from fluxdesk.ui.generate.result_view import ResultView
    from fluxdesk.ui.widgets.message_bar import MessageBar

    win.message_bar = MessageBar()
    win.result_view = ResultView()
    win.job_list = job_list = QListView()
    job_list.setObjectName("jobList")
    job_list.setAccessibleName("Jobs")
    win.job_model = JobListModel(win.queue, state_icons(win.palette()), win)
    job_list.setModel(win.job_model)
    job_list.setItemDelegate(JobDelegate(job_list))
    job_list.setMouseTracking(True)  # hover tint
    job_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    job_list.setUniformItemSizes(True)
    job_list.setIconSize(QSize(16, 16))
    job_list.setSpacing(1)
    job_list.setTextElideMode(Qt.TextElideMode.ElideRight)
    job_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    from fluxdesk.ui.widgets.empty_hint import EmptyHint

    win.job_list_hint = EmptyHint(job_list, "No jobs yet. Each Generate adds one here, with its progress.")
    win.cancel_job_button = QPushButton("Cancel job")
    win.cancel_job_button.setObjectName("cancelJobButton")
    win.cancel_job_button.setAccessibleName("Cancel selected job")
    win.cancel_job_button.setToolTip("Cancel the selected job (Delete)")
    win.retry_button = QPushButton("Retry")
    win.retry_button.setObjectName("retryButton")
    win.retry_button.setAccessibleName("Retry selected job")
    win.retry_button.setToolTip("Run the selected job again")
    win.run_all_button = QPushButton("Run all")
    win.run_all_button.setObjectName("runAllButton")
    win.run_all_button.setAccessibleName("Run all waiting jobs")
    win.run_all_button.setToolTip(
        "Start the waiting jobs (kept from the last session, or held by the daily cap)"
    )
    win.discard_button = QPushButton("Discard")
    win.discard_button.setObjectName("discardJobButton")
    win.discard_button.setAccessibleName("Discard selected job")
    win.discard_button.setToolTip("Forget the selected job (saved images stay in the library)")
    win.clear_finished_button = QPushButton("Clear finished")
    win.clear_finished_button.setObjectName("clearFinishedButton")
    win.clear_finished_button.setAccessibleName("Clear finished jobs")
    win.clear_finished_button.setToolTip(
        "Take done and cancelled jobs off the list (their images stay in the library)"
    )
    win.clear_finished_button.clicked.connect(win.queue.clear_finished)
    jobs_title = QLabel("Jobs")
    set_role(jobs_title, "heading")
    jobs_head = QHBoxLayout()
    jobs_head.addWidget(jobs_title)
    jobs_head.addStretch(1)
    jobs_head.addWidget(win.run_all_button)
    jobs_head.addWidget(win.discard_button)
    jobs_head.addWidget(win.cancel_job_button)
    jobs_head.addWidget(win.retry_button)
    jobs_head.addWidget(win.clear_finished_button)
    jobs = QWidget()
    jobs.setObjectName("jobsPanel")
    jobs_layout = QVBoxLayout(jobs)
    jobs_layout.setContentsMargins(18, 8, 18, 12)
    jobs_layout.setSpacing(6)
    jobs_layout.addLayout(jobs_head)
    jobs_layout.addWidget(job_list, 1)
    jobs.setMinimumHeight(110)

    # Into the placeholders' places, with the same splitter sizes (restored or not).
    split = win.right_split
    sizes = split.sizes()
    for index, real in enumerate((win.result_view, jobs)):
        placeholder = split.widget(index)
        assert placeholder is not None  # (the first frame's look-alike)
        split.insertWidget(index, real)  # (replaceWidget keeps Python ownership)
        placeholder.hide()
        placeholder.setParent(None)
        placeholder.deleteLater()
    split.setStretchFactor(0, 5)
    split.setStretchFactor(1, 1)
    split.setSizes(sizes)

    from fluxdesk.ui.widgets.status_progress import StatusProgress

    win.progress = StatusProgress()
    win.progress.setObjectName("progressBar")
    win.progress.setAccessibleName("Progress")
    win.progress.setMaximumWidth(180)
    win.progress.setFixedHeight(8)
    win.progress.hide()
    win.statusBar().insertPermanentWidget(1, win.progress)  # after the status text
    win.usage_label = QLabel()
    win.usage_label.setObjectName("usageLabel")
    win.statusBar().insertPermanentWidget(2, win.usage_label)

    # Hidden until there is a message; its gap to the tabs is its own (style sheet
    # margin), so the results do not move when it is built or hidden.
    win.tab_layout.insertWidget(0, win.message_bar)

    # >>> GALLERY <<<
    from fluxdesk.ui.generate.image_drop import ImageDropFilter
    from fluxdesk.ui.library.gallery import GalleryWidget

    gallery = GalleryWidget(win.ctx)
    gallery.use_request.connect(win.apply_request)
    win.image_saved.connect(lambda _job: gallery.notify_saved())
    win.gallery_view = gallery
    win.image_drop = ImageDropFilter(
        win, lambda request, message: win.apply_request(request, message.text), win.show_drop_message
    )
    # <<< GALLERY >>>
    # (Built after the first frame; it fills the Library tab's page, whose tab exists
    # from the first frame on.)
    win.library_layout.addWidget(gallery)

    # The active project beside the tabs, on both of them (filled once the library opens).
    from fluxdesk.ui.library.projects.active_box import ActiveProjectBox

    win.project_box = ActiveProjectBox(gallery.project_panel.state)
    win.tabs.setCornerWidget(win.project_box, Qt.Corner.TopRightCorner)
    win.project_box.show()  # (a corner widget set after the first show stays hidden)
    # The list's counts at once for the window's own images (else within the watcher's second).
    win.image_saved.connect(lambda _job: gallery.project_panel.state.reload())
