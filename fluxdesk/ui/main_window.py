"""The main window: form on the left, results and jobs on the right, status below.

Start-up: the first frame shows only what it needs (the form with the prompt focused,
the Generate button, the empty result area, the tabs, the menu titles and the status
line). Everything else — job panel, message bar, result view, menu actions, the Library
page, the job queue — is built right after that frame (``ensure_built``), or earlier
on first use. Their modules are imported then too.
"""

from __future__ import annotations

import base64
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError, LibraryError
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.form import FormPanel, RequestForm
from fluxdesk.ui.lazy_qt import set_enum
from fluxdesk.ui.texts import EMPTY_RESULTS_TEXT
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    # Imported lazily at run time: not needed for the first frame (see lazy_qt).
    from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QThreadPool
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
    from PySide6.QtWidgets import QProgressBar

    from fluxdesk.ui.generate.jobs import Job, JobListModel, JobQueue
    from fluxdesk.ui.generate.result_view import ImageCard, ResultView
    from fluxdesk.ui.library.gallery import GalleryWidget
    from fluxdesk.ui.messages import UserMessage
    from fluxdesk.ui.widgets.image_viewer import ViewerWindow
    from fluxdesk.ui.widgets.message_bar import MessageBar
    from fluxdesk.ui.worker import GenerateWorker
else:
    from fluxdesk.ui.lazy_qt import Qt

FORM_MIN_WIDTH = 360
FORM_MAX_WIDTH = 520
STARTUP_FALLBACK_S = 1.0


def _ignore(_: object) -> None:
    pass


def _reraise(error: BaseException) -> None:
    """For a background task that can only fail by a bug: on to the crash handler."""
    raise error


class _FormScroll(QScrollArea):
    """Scrolls the form vertically only, so it must be at least as wide as the form."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        width = max(
            FORM_MIN_WIDTH, inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        )
        return QSize(width, hint.height())


def _decode_state(text: str) -> bytes | None:
    """A saved geometry or splitter state (base64); None when the settings file was mangled."""
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return None


def _generate_keys() -> list[QKeySequence]:
    from PySide6.QtGui import QKeySequence

    # "Ctrl" is Cmd on macOS.
    return [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]


class MainWindow(QMainWindow):
    image_saved = Signal(object)  # Job, when its images are on disk (smoke test, benchmarks)
    first_frame_shown = Signal()  # the first frame is on screen (start-up benchmark)
    started_up = Signal()  # right after the first frame, or a second after show() without one

    # Built by ensure_built(), right after the first frame (or on first use).
    message_bar: MessageBar
    result_view: ResultView
    job_list: Any  # QListView
    job_model: JobListModel
    gallery_view: GalleryWidget
    progress: QProgressBar

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
        self.use_sandbox = use_sandbox or ctx.sandbox is not None
        self._sandbox_lock = threading.Lock()
        self._check_key = check_key
        self._history_pos = -1
        self._draft = ""
        self.viewer: ViewerWindow | None = None
        self._pool = pool
        self._built = False
        self._first_shown: float | None = None  # time.monotonic() of the first show()
        self._started_up = False
        self.setObjectName("mainWindow")
        self.setWindowTitle("FluxDesk")

        self.form = RequestForm(self)
        self.form.load(ctx.settings.last_request)
        self._build_ui()
        self._connect_first_frame()
        self._restore_state()
        self._update_generate()
        self._update_mode_label()

    @property
    def queue(self) -> JobQueue:
        """The job queue (building the rest of the window if that has not happened yet)."""
        self.ensure_built()
        return self._queue

    @property
    def built(self) -> bool:
        return self._built

    def ensure_built(self) -> None:
        """Build everything the first frame does not show; idempotent.

        Runs right after the first frame; anything that needs these parts earlier
        (Generate, the queue, messages) calls it first.
        """
        if self._built:
            return
        self._built = True
        from fluxdesk.ui.generate.jobs import JobQueue

        self._queue = JobQueue(self._make_worker, self._pool, self)
        self.setUpdatesEnabled(False)  # one repaint for all the new parts
        try:
            self.form_panel.finish_after_first_frame()
            # The selected tab's look needs QStyle: set now, not in the first frame (the
            # tabs keep their sizes, see tab_style.py).
            set_role(self.tabs.tabBar(), "tabs")
            self._build_rest()
            self._build_actions()
            self._connect()
        finally:
            self.setUpdatesEnabled(True)
        self._update_generate()
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(self._on_tick)

    # --- construction -------------------------------------------------------------------
    def _build_ui(self) -> None:
        """What the first frame shows.

        Built top-down, each container placed in the window before it is filled: moving a
        finished subtree into a new parent makes Qt resolve fonts, palettes and styles
        again for every widget in it (~2 ms of start-up for the form).
        """
        self.splitter = QSplitter()  # horizontal
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_left()
        self._build_right()
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 1000])
        self._build_status_line()
        self.setMinimumSize(900, 600)

        # Menu titles now (the bar's height is part of the layout); their actions later.
        bar = self.menuBar()
        self._menus: dict[str, QMenu] = {
            key: bar.addMenu(title)
            for key, title in (
                ("file", "&File"),
                ("edit", "&Edit"),
                ("generation", "&Generation"),
                ("view", "&View"),
            )
        }

    def _build_left(self) -> None:
        """The form in a scroll area, the buttons always visible below it."""
        left = QWidget()
        left.setObjectName("leftPanel")
        # No fixed minimum width: the scroll area reports the form's own minimum, so the
        # splitter can never squeeze (and clip) the form, whatever the font or language.
        left.setMaximumWidth(FORM_MAX_WIDTH)
        self.splitter.addWidget(left)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)

        scroll = _FormScroll()
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        set_enum(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        left_layout.addWidget(scroll, 1)
        inner = QWidget()
        scroll.setWidget(inner)
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(16, 14, 12, 8)
        self.form_panel = FormPanel(self.form, inner)
        self.form_panel.setObjectName("formPanel")
        inner_layout.addWidget(self.form_panel)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(16, 8, 12, 14)
        buttons.setSpacing(8)
        left_layout.addLayout(buttons)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setDefault(False)
        self.generate_button.setMinimumHeight(34)
        set_role(self.generate_button, "primary")
        buttons.addWidget(self.generate_button, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName("Cancel running job")
        self.cancel_button.setToolTip("Cancel the running job (Esc)")
        self.cancel_button.setMinimumHeight(34)
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.cancel_button)

    def _build_right(self) -> None:
        """Tabs: "Generate" (messages, results, jobs) and "Library" (the gallery).

        The first frame has the splitter with look-alike placeholders (an empty result
        canvas, a blank job panel): the real parts replace them in place, so nothing moves.
        """
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.splitter.addWidget(self.tabs)
        generate_tab = QWidget()
        generate_tab.setObjectName("generateTab")
        self.tabs.addTab(generate_tab, "Ge&nerate")
        self._library_page = QWidget()
        self._library_page.setObjectName("libraryPage")
        self.tabs.addTab(self._library_page, "&Library")
        self._library_layout = QVBoxLayout(self._library_page)
        self._library_layout.setContentsMargins(0, 0, 0, 0)
        self._library_layout.setSpacing(0)

        self._tab_layout = QVBoxLayout(generate_tab)
        self._tab_layout.setContentsMargins(0, 0, 0, 0)
        self._tab_layout.setSpacing(0)
        self.right_split = QSplitter()
        set_enum(self.right_split, "orientation", "Vertical")
        self.right_split.setObjectName("resultSplitter")
        self.right_split.setChildrenCollapsible(False)
        self._tab_layout.addWidget(self.right_split, 1)
        self._results_placeholder = QWidget()
        self.right_split.addWidget(self._results_placeholder)
        self._fill_empty_results(self._results_placeholder)
        self._jobs_placeholder = QWidget()
        self._jobs_placeholder.setMinimumHeight(110)
        self.right_split.addWidget(self._jobs_placeholder)
        self.right_split.setStretchFactor(0, 5)
        self.right_split.setStretchFactor(1, 1)
        self.right_split.setSizes([560, 190])  # room for three jobs

    def _build_status_line(self) -> None:
        """Text, (progress: built later, hidden until a job runs), elapsed time, target."""
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        self.status_label = QLabel("Ready")
        self.status_label.setObjectName("statusLabel")
        self.status_label.setIndent(6)  # not flush against the window's edge
        # A long message must not widen the window: it is cut at the status bar's edge.
        # (A minimum width, not an Ignored size policy: QSizePolicy's enums cost start-up.)
        self.status_label.setMinimumWidth(1)
        status.addWidget(self.status_label, 1)
        self.elapsed_label = QLabel()
        self.elapsed_label.setObjectName("elapsedLabel")
        status.addPermanentWidget(self.elapsed_label)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        set_role(self.mode_label, "hint")
        status.addPermanentWidget(self.mode_label)

    @staticmethod
    def _fill_empty_results(canvas: QWidget) -> None:
        """Makes ``canvas`` look exactly like an empty ResultView (same style hooks), at a
        fraction of the cost."""
        canvas.setObjectName("resultCanvas")
        set_role(canvas, "canvas")
        canvas.setMinimumSize(200, 160)
        layout = QVBoxLayout(canvas)
        empty = QLabel(EMPTY_RESULTS_TEXT)
        layout.addWidget(empty)
        set_role(empty, "hint")
        set_enum(empty, "alignment", "AlignCenter")
        empty.setWordWrap(True)

    def _build_rest(self) -> None:
        """The parts the first frame does not need, swapped in for their placeholders."""
        from PySide6.QtWidgets import QAbstractItemView, QListView, QProgressBar

        from fluxdesk.ui.generate.job_delegate import JobDelegate, state_icons
        from fluxdesk.ui.generate.jobs import JobListModel
        from fluxdesk.ui.generate.result_view import ResultView
        from fluxdesk.ui.widgets.message_bar import MessageBar

        self.message_bar = MessageBar()
        self.result_view = ResultView()
        self.job_list = QListView()
        self.job_list.setObjectName("jobList")
        self.job_list.setAccessibleName("Jobs")
        self.job_model = JobListModel(self.queue, state_icons(self.palette()), self)
        self.job_list.setModel(self.job_model)
        self.job_list.setItemDelegate(JobDelegate(self.job_list))
        self.job_list.setMouseTracking(True)  # hover tint
        self.job_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.job_list.setUniformItemSizes(True)
        self.job_list.setIconSize(QSize(16, 16))
        self.job_list.setSpacing(1)
        self.job_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.job_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.cancel_job_button = QPushButton("Cancel job")
        self.cancel_job_button.setObjectName("cancelJobButton")
        self.cancel_job_button.setAccessibleName("Cancel selected job")
        self.cancel_job_button.setToolTip("Cancel the selected job (Delete)")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryButton")
        self.retry_button.setAccessibleName("Retry selected job")
        self.retry_button.setToolTip("Run the selected job again")
        jobs_title = QLabel("Jobs")
        set_role(jobs_title, "heading")
        jobs_head = QHBoxLayout()
        jobs_head.addWidget(jobs_title)
        jobs_head.addStretch(1)
        jobs_head.addWidget(self.cancel_job_button)
        jobs_head.addWidget(self.retry_button)
        jobs = QWidget()
        jobs.setObjectName("jobsPanel")
        jobs_layout = QVBoxLayout(jobs)
        jobs_layout.setContentsMargins(18, 8, 18, 12)
        jobs_layout.setSpacing(6)
        jobs_layout.addLayout(jobs_head)
        jobs_layout.addWidget(self.job_list, 1)
        jobs.setMinimumHeight(110)

        # Into the placeholders' places, with the same splitter sizes (restored or not).
        sizes = self.right_split.sizes()
        for index, (placeholder, real) in enumerate(
            ((self._results_placeholder, self.result_view), (self._jobs_placeholder, jobs))
        ):
            self.right_split.insertWidget(index, real)  # (replaceWidget keeps Python ownership)
            placeholder.hide()
            placeholder.setParent(None)
            placeholder.deleteLater()
        self.right_split.setStretchFactor(0, 5)
        self.right_split.setStretchFactor(1, 1)
        self.right_split.setSizes(sizes)

        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(180)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.statusBar().insertPermanentWidget(1, self.progress)  # after the status text

        # Hidden until there is a message; its gap to the tabs is its own (style sheet
        # margin), so the results do not move when it is built or hidden.
        self._tab_layout.insertWidget(0, self.message_bar)

        # >>> GALLERY <<<
        from fluxdesk.ui.generate.image_drop import ImageDropFilter
        from fluxdesk.ui.library.gallery import GalleryWidget

        gallery = GalleryWidget(self.ctx)
        gallery.use_request.connect(self.apply_request)
        self.image_saved.connect(lambda _job: gallery.notify_saved())
        self.gallery_view = gallery
        self._image_drop = ImageDropFilter(
            self, lambda request, message: self.apply_request(request, message.text), self._show_drop_message
        )
        # <<< GALLERY >>>
        # (Built after the first frame; it fills the Library tab's page, whose tab exists
        # from the first frame on.)
        self._library_layout.addWidget(self.gallery_view)

    def _build_actions(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        std = QKeySequence.StandardKey

        def action(text: str, slot: Any, keys: list[QKeySequence] | None = None, tip: str = "") -> QAction:
            a = QAction(text, self)
            # A standard key is often the same as the explicit one (Quit is Ctrl+Q on Linux):
            # the same key twice on one action makes Qt call it ambiguous and do nothing.
            keys = list({k.toString(): k for k in keys or [] if not k.isEmpty()}.values())
            if keys:
                a.setShortcuts(keys)
                a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            if tip:
                a.setToolTip(tip)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        ctrl = Qt.KeyboardModifier.ControlModifier
        self.generate_action = action("&Generate", self.generate, _generate_keys())
        self.cancel_action = action(
            "&Cancel running job", self.cancel_running, [QKeySequence(Qt.Key.Key_Escape)]
        )
        self.save_action = action(
            "&Save image as…", self.save_image_as, [QKeySequence(std.Save), QKeySequence(std.SaveAs)]
        )
        self.copy_action = action("&Copy image", self.copy_image, [QKeySequence(std.Copy)])
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.result_view.addAction(self.copy_action)
        self.folder_action = action("Show in &folder", self.open_folder)
        self.reuse_action = action(
            "&Use these settings again", self.reuse_settings, [QKeySequence(ctrl | Qt.Key.Key_R)]
        )
        self.view_action = action("&View image", self._view_current)
        self.result_view.set_card_actions(
            self.view_action, self.save_action, self.copy_action, self.folder_action, self.reuse_action
        )
        self.history_action = action(
            "Prompt &history…", self.show_history, [QKeySequence(ctrl | Qt.Key.Key_H)]
        )
        self.settings_action = action(
            "&Settings…",
            self.open_settings,
            [QKeySequence(std.Preferences), QKeySequence(ctrl | Qt.Key.Key_Comma)],
        )
        self.full_action = action(
            "&Full screen", self.toggle_full_screen, [QKeySequence(std.FullScreen), QKeySequence("F11")]
        )
        self.quit_action = action(
            "&Quit", self.close, [QKeySequence(std.Quit), QKeySequence(ctrl | Qt.Key.Key_Q)]
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.cancel_action.setEnabled(self._queue.running is not None)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.cancel_job_action = action("Cancel job", self.cancel_selected, [QKeySequence(std.Delete)])
        self.cancel_job_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.retry_action = action("Retry", self.retry_selected)
        self.job_list.addAction(self.cancel_job_action)
        self.job_list.addAction(self.retry_action)

        file_menu = self._menus["file"]
        file_menu.addActions([self.save_action, self.folder_action])
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self._menus["edit"]
        edit_menu.addActions([self.copy_action, self.reuse_action, self.history_action])
        gen_menu = self._menus["generation"]
        gen_menu.addActions([self.generate_action, self.cancel_action])
        self.sweep_action = action("Parameter &sweep…", self.open_sweep)
        gen_menu.addAction(self.sweep_action)
        view_menu = self._menus["view"]
        view_menu.addActions([self.view_action, self.full_action])

    def _connect_first_frame(self) -> None:
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel_running)
        self.form.validated.connect(self._update_generate)
        self.form_panel.history_requested.connect(self.show_history)
        self.form_panel.prompt.history_step.connect(self._history_step)

    def _connect(self) -> None:
        self.cancel_job_button.clicked.connect(self.cancel_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.queue.job_started.connect(self._on_started)
        self.queue.job_changed.connect(self._on_changed)
        self.queue.job_done.connect(self._on_done)
        self.queue.job_failed.connect(self._on_failed)
        self.queue.job_cancelled.connect(self._on_cancelled)
        self.queue.idle_changed.connect(self._on_idle_changed)
        sel = self.job_list.selectionModel()
        sel.selectionChanged.connect(self._on_job_selected)
        self.job_list.activated.connect(self._on_job_activated)
        rv = self.result_view
        rv.view_requested.connect(self.open_viewer)
        rv.save_requested.connect(self.save_image_as)
        rv.copy_requested.connect(self.copy_image)
        rv.seed_copied.connect(lambda seed: self.status_label.setText(f"Seed {seed} copied to the clipboard"))
        rv.open_folder_requested.connect(self.open_folder)
        rv.reuse_requested.connect(self.reuse_settings)
        self._update_job_buttons()
        self._update_result_actions()

    # --- generation ---------------------------------------------------------------------
    def generate(self) -> Job | None:
        from fluxdesk.ui.messages import Severity

        request = self.form.request
        if request is None:
            self._show_form_problem()
            return None
        self.ensure_built()
        self.ctx.settings.remember_prompt(request.prompt)
        self.ctx.settings.last_request = self.form.values()
        # Written now, in a worker: a crash or a killed process keeps the prompt history.
        from fluxdesk.ui.tasks import run_task

        run_task(self.queue.pool, self.ctx.settings_writer(), _ignore, self._settings_not_saved)
        self._history_pos = -1
        if self.message_bar.message and self.message_bar.severity is not Severity.INFO:
            self.message_bar.dismiss()
        job = self.queue.submit(request)
        queued = len(self.queue.queued())
        if queued:
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
        if self._built and focus is not None and self.gallery_view.isAncestorOf(focus):
            # In the Library, Esc leaves the search (a paid job is not lost to a reflex).
            self.gallery_view.escape()
            return
        self.queue.cancel_running()

    def _selected_job(self) -> Job | None:
        from fluxdesk.ui.generate.jobs import Job, JobRole

        index = self.job_list.currentIndex()
        job = index.data(JobRole) if index.isValid() else None
        return job if isinstance(job, Job) else None

    def cancel_selected(self) -> None:
        job = self._selected_job()
        if job is not None:
            self.queue.cancel(job)

    def retry_selected(self) -> None:
        from fluxdesk.ui.generate.jobs import JobState

        job = self._selected_job()
        if job is not None and job.state in (JobState.FAILED, JobState.CANCELLED):
            self.queue.retry(job)

    def _ensure_sandbox(self) -> None:
        if self.use_sandbox and self.ctx.sandbox is None:
            with self._sandbox_lock:
                if self.ctx.sandbox is None:
                    self.ctx.start_sandbox()

    def warm_up(self) -> None:
        """After the first frame: start the sandbox, check for a key (both off-thread)."""
        self.ensure_built()
        if self.use_sandbox:
            self.queue.pool.start(self._ensure_sandbox)
        elif self._check_key:
            from fluxdesk.ui.tasks import run_task

            # Off the GUI thread: the keyring may block on D-Bus.
            run_task(self.queue.pool, self._has_key, self._on_key_checked, _reraise)

    def _has_key(self) -> bool:
        """(In a worker.) No usable keyring counts as no key: the first-run prompt says
        what to do then."""
        try:
            return bool(self.ctx.keystore.get())
        except FluxDeskError:
            return False

    def _make_client(self) -> Any:
        self._ensure_sandbox()
        return self.ctx.make_client()

    def _make_sink(self) -> Any:
        if self.ctx.settings.auto_save:
            return self.ctx.library()
        from fluxdesk.core.generate import FolderSink

        return FolderSink(self.ctx.paths.unsaved_results)

    def _make_worker(self, job: Job) -> GenerateWorker:
        from fluxdesk.ui.worker import GenerateWorker, thumb_side_for

        thumb_side = thumb_side_for(self.devicePixelRatioF())  # (the screen the window is on)
        return GenerateWorker(job.request, self._make_client, self._make_sink, job.cancel_token, thumb_side)

    # --- queue events -------------------------------------------------------------------
    def _on_started(self, job: Job) -> None:
        # The running job is the selected one: in view (newest rows are on top), with
        # "Cancel job" for it, as Esc does; the results shown stay until it is done.
        self._select_job(job)
        self.status_label.setText("Generating…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self._tick.start()
        self._on_tick()

    def _on_changed(self, job: Job) -> None:
        if job is self.queue.running and job.progress is not None:
            p = job.progress
            text = p.describe().rsplit(" ", 2)[0]
            if p.images_total:
                self.progress.setRange(0, p.images_total * 2)
                self.progress.setValue(
                    min(
                        p.images_total * 2,
                        p.images_done + (p.images_done if p.stage.value in ("saving", "done") else 0),
                    )
                )
            queued = len(self.queue.queued())
            self.status_label.setText(text + (f"   ·   {queued} queued" if queued else ""))
        self._update_job_buttons()

    def _on_done(self, job: Job) -> None:
        assert job.output is not None
        self.result_view.show_output(job.output, job.elapsed)
        self.form_panel.set_last_seed(job.output.result.seed)
        n = len(job.output.images)
        where = "library" if self.ctx.settings.auto_save else "session folder (auto-save is off)"
        self.status_label.setText(f"Saved {n} image{'s' if n != 1 else ''} to the {where}")
        self.elapsed_label.setText(f"{job.elapsed:.1f} s")
        self._select_job(job)
        self._update_result_actions()
        self.image_saved.emit(job)

    def _on_failed(self, job: Job) -> None:
        from fluxdesk.ui.messages import user_message

        assert job.error is not None
        message = user_message(job.error)
        self.status_label.setText(f"Failed: {message.title}")
        self.elapsed_label.clear()  # a time is the result's; a failure has none worth showing
        self.show_message(message, job)

    def _on_cancelled(self, job: Job) -> None:
        self.status_label.setText("Cancelled")
        self.elapsed_label.clear()
        self._update_job_buttons()

    def _on_idle_changed(self, idle: bool) -> None:
        self.cancel_button.setEnabled(not idle)
        self.cancel_action.setEnabled(not idle)  # (the menu entry is off with nothing to cancel)
        if idle:
            self._tick.stop()
            self.progress.hide()

    def _on_tick(self) -> None:
        job = self.queue.running
        if job is not None:
            self.elapsed_label.setText(f"{job.elapsed:.1f} s")
            self.job_model.refresh_running()

    def show_message(self, message: UserMessage, job: Job | None = None) -> None:
        from fluxdesk.ui.messages import Action

        self.ensure_built()
        primary = None
        if message.action is Action.RETRY and job is not None:

            def primary() -> None:
                self.queue.retry(job)
        elif message.action is Action.OPEN_SETTINGS:
            primary = self.open_settings
        elif message.action is Action.USE_SANDBOX:
            primary = self.switch_to_sandbox
        self.message_bar.show_message(message, primary)

    # --- job list -----------------------------------------------------------------------
    def _select_job(self, job: Job) -> None:
        row = self.job_model.row_of(job)
        if row >= 0:
            self.job_list.setCurrentIndex(self.job_model.index(row))

    def _on_job_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        job = self._selected_job()
        if job is not None and job.output is not None and self.result_view.output is not job.output:
            self.result_view.show_output(job.output, job.elapsed)
            self._update_result_actions()
        self._update_job_buttons()

    def _on_job_activated(self, index: QModelIndex) -> None:
        from fluxdesk.ui.generate.jobs import Job, JobRole, JobState

        job = index.data(JobRole)
        if isinstance(job, Job) and job.state is JobState.FAILED:
            self.queue.retry(job)

    def _update_job_buttons(self) -> None:
        from fluxdesk.ui.generate.jobs import JobState

        job = self._selected_job()
        can_cancel = job is not None and not job.state.finished
        can_retry = job is not None and job.state in (JobState.FAILED, JobState.CANCELLED)
        self.cancel_job_button.setEnabled(can_cancel)
        self.cancel_job_action.setEnabled(can_cancel)
        self.retry_button.setEnabled(can_retry)
        self.retry_action.setEnabled(can_retry)

    def _update_generate(self) -> None:
        valid = self.form.valid
        self.generate_button.setEnabled(valid)
        if not self._built:
            return  # the tooltip follows once the rest is built (its key text needs the Qt enums)
        from PySide6.QtGui import QKeySequence

        self.generate_action.setEnabled(valid)
        shortcut = _generate_keys()[0].toString(QKeySequence.SequenceFormat.NativeText)
        if valid:
            self.generate_button.setToolTip(f"Generate ({shortcut}); while a job runs, this queues another")
        else:
            self.generate_button.setToolTip(
                "Cannot generate yet:\n" + "\n".join(p.message for p in self.form.problems)
            )

    def _update_result_actions(self) -> None:
        has = self.result_view.current is not None
        for a in (
            self.save_action,
            self.copy_action,
            self.folder_action,
            self.reuse_action,
            self.view_action,
        ):
            a.setEnabled(has)

    # --- result actions -------------------------------------------------------------------
    def _current_card(self) -> ImageCard | None:
        return self.result_view.current if self._built else None

    def _view_current(self) -> None:
        card = self._current_card()
        if card is not None:
            self.open_viewer(card)

    def open_viewer(self, card: ImageCard) -> ViewerWindow:
        if self.viewer is None:
            from fluxdesk.ui.widgets.image_viewer import ViewerWindow

            self.viewer = ViewerWindow()
            self.viewer.setWindowIcon(self.windowIcon())
        self.viewer.show_image(card.decoded.image, card.path.name, card.path)
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        return self.viewer

    def save_image_as(self) -> Path | None:
        card = self._current_card()
        if card is None:
            return None
        folder = self.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        suggested = str(Path(folder) / self.result_view.suggested_name(card))
        ext = card.path.suffix.lstrip(".")
        from PySide6.QtWidgets import QFileDialog

        target, _ = QFileDialog.getSaveFileName(self, "Save image as", suggested, f"Image (*.{ext})")
        if not target:
            return None
        return self.save_image_to(Path(target), card)

    def save_image_to(self, target: Path, card: ImageCard | None = None) -> Path | None:
        from fluxdesk.ui.messages import user_message

        card = card or self._current_card()
        if card is None:
            return None
        from fluxdesk.ui.generate.result_view import ResultView

        try:
            ResultView.save_copy(card, target)
        except OSError as exc:
            self.show_message(user_message(LibraryError(f"Cannot save {target.name}: {exc.strerror or exc}")))
            return None
        self.ctx.settings.ui_state["save_dir"] = str(target.parent)
        self.status_label.setText(f"Saved a copy as {target}")
        return target

    def copy_image(self) -> None:
        card = self._current_card()
        if card is not None:
            from fluxdesk.ui.generate.result_view import ResultView

            ResultView.copy_to_clipboard(card)
            self.status_label.setText("Image copied to the clipboard")

    def open_folder(self) -> None:
        card = self._current_card()
        if card is not None:
            from fluxdesk.ui.reveal import show_in_folder

            show_in_folder(card.path, self)

    def apply_request(self, request: GenerationRequest, text: str) -> None:
        """Fill the form from a library image or a dropped file ("use these settings")."""
        self.form.load_request(request, with_seed=request.seed is not None)
        self.tabs.setCurrentIndex(0)
        self.form_panel.prompt.setFocus()
        self.status_label.setText(text)

    def _show_drop_message(self, message: UserMessage) -> None:
        self.tabs.setCurrentIndex(0)
        self.show_message(message)

    def open_sweep(self) -> None:
        from fluxdesk.ui.generate.sweep_dialog import run_sweep

        if self.form.request is None:
            self._show_form_problem()
            return
        self._sweep_window = run_sweep(self, self.form.request, self.queue)

    def reuse_settings(self) -> None:
        if not self._built:
            return
        result = self.result_view.result
        if result is not None:
            self.form.load_request(result.request.with_seed(result.seed))
            self.form_panel.prompt.setFocus()
            self.status_label.setText(f"Settings of that job restored (seed {result.seed} locked)")

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

    # --- settings / first run -------------------------------------------------------------
    def open_settings(self) -> None:
        from fluxdesk.ui.messages import Action
        from fluxdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self, pool=self.queue.pool)
        if dialog.exec():
            self._save_settings()
            self._update_mode_label()
            if (
                self._built
                and self.message_bar.message
                and self.message_bar.message.action is Action.OPEN_SETTINGS
            ):
                self.message_bar.dismiss()

    def switch_to_sandbox(self) -> None:
        self.use_sandbox = True
        self.queue.pool.start(self._ensure_sandbox)
        self._update_mode_label()
        self.status_label.setText("Using the offline sandbox: images are generated locally for testing")

    def _on_key_checked(self, has_key: bool) -> None:
        from fluxdesk.ui.messages import Action, Severity, UserMessage

        if has_key or self.use_sandbox:
            return
        self.ensure_built()
        welcome = UserMessage(
            "Welcome to FluxDesk",
            "Add your AI/ML API key to generate images, or try everything first with the "
            "offline sandbox (no key, no cost).",
            Severity.INFO,
            Action.OPEN_SETTINGS,
        )
        self.message_bar.show_message(
            welcome,
            self.open_settings,
            ("Try the sandbox", self.switch_to_sandbox),
            primary_label="Add API key…",
        )

    def _update_mode_label(self) -> None:
        if self.use_sandbox:
            self.mode_label.setText("Sandbox  ")
            self.mode_label.setToolTip("Images come from the built-in offline sandbox")
        else:
            host = self.ctx.settings.effective_base_url().split("://", 1)[-1]
            self.mode_label.setText(f"{host}  ")
            self.mode_label.setToolTip("API endpoint (change it in Settings)")

    # --- window -------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def setVisible(self, visible: bool) -> None:
        # (Not showEvent/paintEvent: a Python event handler makes PySide create the event
        # classes' enums, ~2 ms, before the first frame.)
        super().setVisible(visible)
        if visible and self._first_shown is None:
            self._first_shown = time.monotonic()
            self.form_panel.prompt.setFocus()
            self._await_first_frame()

    def _await_first_frame(self) -> None:
        """Poll until the window system has exposed the window: Qt paints a widget window
        while handling its expose event, so one more round of events later the first
        frame is on screen (the bare-window baseline of benchmarks/startup.py waits the
        same way). A window not exposed within STARTUP_FALLBACK_S (started minimised)
        finishes start-up anyway; ``first_frame_shown`` is then never emitted."""
        handle = self.windowHandle()
        if handle is not None and handle.isExposed():
            QTimer.singleShot(0, self, self.first_frame_shown.emit)
            QTimer.singleShot(0, self, self._finish_startup)
            return
        assert self._first_shown is not None
        waited = time.monotonic() - self._first_shown
        if waited >= STARTUP_FALLBACK_S:
            self._finish_startup()
        elif self.isVisible():
            # Every round of events at first (as the baseline does), then less often.
            QTimer.singleShot(0 if waited < 0.25 else 10, self, self._await_first_frame)
        else:
            self._first_shown = None  # hidden before it was ever exposed: poll on the next show

    def _finish_startup(self) -> None:
        """Right after the first frame (or the fallback): what the first frame could do
        without (``started_up``), build the rest, warm up (sandbox, key check)."""
        if self._started_up:
            return
        self._started_up = True
        self.started_up.emit()
        self.ensure_built()
        self.warm_up()

    def _restore_state(self) -> None:
        state = {key: _decode_state(value) for key, value in self.ctx.settings.ui_state.items()}
        geometry = state.get("geometry")
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(1280, 820)
        for key, splitter in (("splitter", self.splitter), ("result_splitter", self.right_split)):
            saved = state.get(key)
            if saved:
                splitter.restoreState(saved)

    def _settings_not_saved(self, error: BaseException) -> None:
        from fluxdesk.ui.messages import user_message

        if not isinstance(error, LibraryError):
            raise error  # a bug: on to the crash handler
        self.show_message(user_message(error))

    def _save_settings(self) -> None:
        from fluxdesk.ui.messages import user_message

        s = self.ctx.settings
        s.last_request = self.form.values()
        s.ui_state["geometry"] = bytes(self.saveGeometry().toBase64().data()).decode()
        s.ui_state["splitter"] = bytes(self.splitter.saveState().toBase64().data()).decode()
        s.ui_state["result_splitter"] = bytes(self.right_split.saveState().toBase64().data()).decode()
        try:
            self.ctx.save_settings()
        except LibraryError as exc:
            self.show_message(user_message(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_settings()
        if self._built:
            self.queue.shutdown(timeout_ms=3000)
            # Saves a note being typed, and lets the library's background work finish
            # before the widgets it reports to are destroyed.
            self.gallery_view.shutdown()
        if self.viewer is not None:
            self.viewer.close()
        super().closeEvent(event)
