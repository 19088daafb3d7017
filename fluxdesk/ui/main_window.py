"""The main window: form on the left, results and jobs on the right, status below.

A thin assembly of its parts (``fluxdesk/ui/window/``): the first frame's layout
(``layout``), start-up and the deferred build of everything else (``startup``), the
actions and menus (``actions``), the job-status presenter (``job_status``) and the file
actions on the shown result (``file_actions``). What stays here is what the window
itself does: generate and cancel, messages, the form's history and settings, closing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QPushButton, QSplitter, QTabWidget, QVBoxLayout

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.form import FormPanel, RequestForm
from fluxdesk.ui.window.layout import build_first_frame, restore_layout, store_layout
from fluxdesk.ui.window.startup import StartUp

if TYPE_CHECKING:
    # Imported lazily at run time: not needed for the first frame (see lazy_qt).
    from PySide6.QtCore import QThreadPool
    from PySide6.QtGui import QAction, QCloseEvent
    from PySide6.QtWidgets import QListView, QProgressBar

    from fluxdesk.ui.generate.image_drop import ImageDropFilter
    from fluxdesk.ui.generate.jobs import Job, JobListModel, JobQueue
    from fluxdesk.ui.generate.result_view import ResultView
    from fluxdesk.ui.library.gallery import GalleryWidget
    from fluxdesk.ui.library.projects.active_box import ActiveProjectBox
    from fluxdesk.ui.messages import UserMessage
    from fluxdesk.ui.presets.controller import PresetActions
    from fluxdesk.ui.widgets.empty_hint import EmptyHint
    from fluxdesk.ui.widgets.image_viewer import ViewerWindow
    from fluxdesk.ui.widgets.message_bar import MessageBar
    from fluxdesk.ui.window.file_actions import FileActions
    from fluxdesk.ui.window.job_status import JobStatusPresenter


class MainWindow(QMainWindow):
    image_saved = Signal(object)  # Job, when its images are on disk (smoke test, benchmarks)
    first_frame_shown = Signal()  # the first frame is on screen (start-up benchmark)
    started_up = Signal()  # right after the first frame, or a second after show() without one

    # The first frame (layout.build_first_frame).
    splitter: QSplitter
    right_split: QSplitter
    form_panel: FormPanel
    generate_button: QPushButton
    presets_button: QPushButton
    presets_menu: QMenu
    cancel_button: QPushButton
    tabs: QTabWidget
    tab_layout: QVBoxLayout
    library_layout: QVBoxLayout
    status_label: QLabel
    elapsed_label: QLabel
    mode_label: QLabel
    menus: dict[str, QMenu]
    # Built by ensure_built(), right after the first frame (or on first use): the parts
    # (startup.build_rest), the file actions, the actions and the job-status presenter.
    message_bar: MessageBar
    job_failure_message: UserMessage | None = None  # the bar's message, when a job's failure
    result_view: ResultView
    job_list: QListView
    job_model: JobListModel
    cancel_job_button: QPushButton
    retry_button: QPushButton
    clear_finished_button: QPushButton
    job_list_hint: EmptyHint
    run_all_button: QPushButton
    discard_button: QPushButton
    usage_label: QLabel
    progress: QProgressBar
    gallery_view: GalleryWidget
    project_box: ActiveProjectBox  # the active project, beside the tabs
    image_drop: ImageDropFilter
    files: FileActions
    job_status: JobStatusPresenter
    presets: PresetActions
    generate_action: QAction
    cancel_action: QAction
    save_action: QAction
    copy_action: QAction
    folder_action: QAction
    reuse_action: QAction
    view_action: QAction
    history_action: QAction
    settings_action: QAction
    diagnostics_action: QAction
    full_action: QAction
    quit_action: QAction
    cancel_job_action: QAction
    retry_action: QAction
    sweep_action: QAction

    def __init__(
        self,
        ctx: AppContext,
        *,
        use_sandbox: bool = False,
        pool: QThreadPool | None = None,
        check_key: bool = True,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        if use_sandbox:
            ctx.want_sandbox()  # started after the first frame, off the GUI thread
        self._history_pos = -1
        self._draft = ""
        self.viewer: ViewerWindow | None = None
        self._sweep_window: Any = None
        self._startup = StartUp(self, pool, check_key=check_key)
        self.setObjectName("mainWindow")
        self.setWindowTitle("FluxDesk")

        self.form = RequestForm(self)
        self.form.load(ctx.settings.last_request)
        build_first_frame(self)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel_running)
        self.form.validated.connect(self.update_generate)
        self.form_panel.history_requested.connect(self.show_history)
        self.form_panel.prompt.history_step.connect(self._history_step)
        restore_layout(self, ctx.settings.ui_state)
        self.update_generate()
        self._update_mode_label()

    @property
    def queue(self) -> JobQueue:
        """The job queue (building the rest of the window if that has not happened yet)."""
        self.ensure_built()
        return self._startup.queue

    @property
    def built(self) -> bool:
        return self._startup.built

    @property
    def use_sandbox(self) -> bool:
        return self.ctx.uses_sandbox

    def ensure_built(self) -> None:
        """Build everything the first frame does not show (see window/startup.py); idempotent."""
        self._startup.ensure_built()

    def warm_up(self) -> None:
        """After the first frame: start the sandbox, check for a key (both off-thread)."""
        self._startup.warm_up()

    def setVisible(self, visible: bool) -> None:
        # (Not showEvent/paintEvent: a Python event handler makes PySide create the event
        # classes' enums before the first frame.)
        super().setVisible(visible)
        if visible:
            self._startup.shown()

    def update_generate(self) -> None:
        valid = self.form.valid
        self.generate_button.setEnabled(valid)
        if self.built:  # (the tooltip's key text needs the Qt enums: not in the first frame)
            from fluxdesk.ui.window.actions import explain_generate

            explain_generate(self, valid)
            status = getattr(self, "job_status", None)  # (made last by the deferred build)
            if status is not None:
                status.update_usage()

    # --- generation ---------------------------------------------------------------------
    def generate(self) -> Job | None:
        from fluxdesk.ui.messages import Severity

        request = self.form.request
        if request is None:
            self._show_form_problem()
            return None
        self.ensure_built()
        if self.presets.slot_unfilled():  # a template's {subject} is not sent as it is
            return None
        self.ctx.settings.remember_prompt(request.prompt)
        self.ctx.settings.last_request = self.form.values()
        # Written now, in a worker: a crash or a killed process keeps the prompt history.
        from fluxdesk.ui.tasks import ignore, run_task

        run_task(self.queue.pool, self.ctx.settings_writer(), ignore, self._settings_not_saved)
        self._history_pos = -1
        paused = self.queue.paused is not None  # (its message stays: it says how to go on)
        if self.message_bar.message and self.message_bar.severity is not Severity.INFO and not paused:
            self.message_bar.dismiss()
        job = self.queue.submit(request)
        queued = len(self.queue.queued())
        if paused:
            self.status_label.setText(f"Paused by the daily cap ({queued} queued): Run all once it is raised")
        elif queued:
            self.status_label.setText(f"Queued ({queued} waiting)")
        return job

    def _show_form_problem(self) -> None:
        if self.form.problems:
            self.status_label.setText(self.form.problems[0].message)

    def cancel_running(self) -> None:
        """Esc: cancel the running job, unless Esc means something where the focus is."""
        if self.viewer is not None and self.viewer.isActiveWindow():
            return
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if self.built and focus is not None and self.gallery_view.isAncestorOf(focus):
            # In the Library, Esc leaves the search (a paid job is not lost to a reflex).
            self.gallery_view.escape()
            return
        self.queue.cancel_running()

    def open_sweep(self) -> None:
        from fluxdesk.ui.generate.sweep_dialog import run_sweep

        if self.form.request is None:
            self._show_form_problem()
            return
        self._sweep_window = run_sweep(self, self.form.request, self.queue)

    # --- messages -----------------------------------------------------------------------
    def show_message(self, message: UserMessage, job: Job | None = None) -> None:
        from fluxdesk.ui.messages import Action

        self.ensure_built()
        # A job's failure (offline, a refused key…) stays until it is dismissed or a later
        # job succeeds: then the cause is gone and the bar would only mislead.
        self.job_failure_message = message if job is not None else None
        primary = None
        if message.action is Action.RETRY and job is not None:

            def primary() -> None:
                self.queue.retry(job)
        elif message.action is Action.OPEN_SETTINGS:
            primary = self.open_settings
        elif message.action is Action.USE_SANDBOX:
            primary = self.switch_to_sandbox
        self.message_bar.show_message(message, primary)

    def show_drop_message(self, message: UserMessage) -> None:
        """A dropped file the form cannot use: say so, and stop claiming (in the status
        line) that the form holds another image's settings."""
        self.tabs.setCurrentIndex(0)
        self.status_label.setText(message.title)
        self.status_label.setToolTip("")
        self.show_message(message)

    def apply_request(self, request: GenerationRequest, text: str) -> None:
        """Fill the form from a library image or a dropped file ("use these settings")."""
        self.form.load_request(request, with_seed=request.seed is not None)
        self.tabs.setCurrentIndex(0)
        self.form_panel.prompt.setFocus()
        self.status_label.setText(text)

    # --- prompt history -----------------------------------------------------------------
    def _history_step(self, direction: int) -> None:
        history = self.ctx.settings.prompt_history
        if not history:
            return
        if self._history_pos == -1:
            self._draft = self.form.value(F.PROMPT)
        pos = self._history_pos - direction  # Up (-1) goes back in time → larger index
        pos = max(-1, min(len(history) - 1, pos))
        self._history_pos = pos
        self.form.set_value(F.PROMPT, self._draft if pos == -1 else history[pos])

    def show_history(self) -> None:
        from fluxdesk.ui.generate.history import HistoryDialog

        dialog = HistoryDialog(self.ctx.settings.prompt_history, self)
        if dialog.exec() and dialog.chosen is not None:
            self.form.set_value(F.PROMPT, dialog.chosen)
        self.form_panel.prompt.setFocus()

    # --- settings and target ----------------------------------------------------------------
    def open_settings(self) -> None:
        from fluxdesk.ui.messages import Action
        from fluxdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self, pool=self.queue.pool)
        if dialog.exec():
            self._save_settings()
            self._update_mode_label()
            if self.built:
                self.job_status.update_usage()
            if (
                self.built
                and self.message_bar.message
                and self.message_bar.message.action is Action.OPEN_SETTINGS
            ):
                self.message_bar.dismiss()

    def switch_to_sandbox(self) -> None:
        self.ctx.want_sandbox()
        self._startup.warm_up()  # starts it, off the GUI thread
        self._update_mode_label()
        self.status_label.setText("Using the offline sandbox: images are generated locally for testing")

    def _update_mode_label(self) -> None:
        if self.use_sandbox:
            self.mode_label.setText("Sandbox  ")
            self.mode_label.setToolTip("Images come from the built-in offline sandbox")
        else:
            host = self.ctx.settings.effective_base_url().split("://", 1)[-1]
            self.mode_label.setText(f"{host}  ")
            self.mode_label.setToolTip("API endpoint (change it in Settings)")

    def _settings_not_saved(self, error: BaseException) -> None:
        from fluxdesk.ui.messages import user_message

        if not isinstance(error, LibraryError):
            raise error  # a bug: on to the crash handler
        self.show_message(user_message(error))

    def _save_settings(self) -> None:
        from fluxdesk.ui.messages import user_message

        self.ctx.settings.last_request = self.form.values()
        store_layout(self, self.ctx.settings.ui_state)
        try:
            self.ctx.save_settings()
        except LibraryError as exc:
            self.show_message(user_message(exc))

    # --- window -------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_settings()
        if self.built:
            self.job_status.shutdown()  # (its notification connection)
            self.queue.shutdown(timeout_ms=3000)
            # Saves a note being typed, and lets the library's background work finish
            # before the widgets it reports to are destroyed.
            self.gallery_view.shutdown()
        if self.viewer is not None:
            self.viewer.close()
        super().closeEvent(event)
