"""The window's first frame, and its layout's saved state.

The first frame holds the form with the Generate and Cancel buttons on the left, the
tabs on the right with look-alike placeholders for the result area and the job panel,
the status line and the menu titles. ``build_first_frame`` fills a MainWindow's
declared parts, as Qt Designer's ``setupUi`` would.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.ui.generate.form import FormPanel
from fluxdesk.ui.lazy_qt import set_enum
from fluxdesk.ui.texts import EMPTY_RESULTS_TEXT
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from fluxdesk.ui.main_window import MainWindow

FORM_MIN_WIDTH = 360
FORM_MAX_WIDTH = 520
MENU_TITLES = (("file", "&File"), ("edit", "&Edit"), ("generation", "&Generation"), ("view", "&View"))
# The splitters whose positions are kept in the settings' ui_state, by key.
SPLITTER_KEYS = ("splitter", "result_splitter")
FOLDED_STATE = "stateWithForm"  # the main splitter's state saved while the form is folded


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


def build_first_frame(win: MainWindow) -> None:
    """What the first frame shows.

    Built top-down, each container placed in the window before it is filled: moving a
    finished subtree into a new parent makes Qt resolve fonts, palettes and styles again
    for every widget in it.
    """
    win.splitter = QSplitter()  # horizontal
    win.splitter.setObjectName("mainSplitter")
    win.splitter.setChildrenCollapsible(False)
    win.setCentralWidget(win.splitter)
    _build_left(win)
    _build_right(win)
    win.splitter.setStretchFactor(0, 0)
    win.splitter.setStretchFactor(1, 1)
    win.splitter.setSizes([400, 1000])
    _build_status_line(win)
    win.setMinimumSize(900, 600)

    # Menu titles now (the bar's height is part of the layout); their actions later.
    bar = win.menuBar()
    win.menus = {key: bar.addMenu(title) for key, title in MENU_TITLES}


def _build_left(win: MainWindow) -> None:
    """The form in a scroll area, the buttons always visible below it."""
    left = QWidget()
    left.setObjectName("leftPanel")
    # No fixed minimum width: the scroll area reports the form's own minimum, so the
    # splitter can never squeeze (and clip) the form, whatever the font or language.
    left.setMaximumWidth(FORM_MAX_WIDTH)
    win.splitter.addWidget(left)
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.setSpacing(0)

    scroll = _FormScroll()
    scroll.setObjectName("formScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    set_enum(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
    # No Tab stop of its own (a nameless one, between the job list and the prompt): the
    # fields take the focus, and the scroll area follows it to the focused one.
    set_enum(scroll, "focusPolicy", "NoFocus")
    left_layout.addWidget(scroll, 1)
    inner = QWidget()
    scroll.setWidget(inner)
    inner_layout = QVBoxLayout(inner)
    inner_layout.setContentsMargins(16, 14, 12, 8)
    win.form_panel = FormPanel(win.form, inner)
    win.form_panel.setObjectName("formPanel")
    inner_layout.addWidget(win.form_panel)

    buttons = QHBoxLayout()
    buttons.setContentsMargins(16, 8, 12, 14)
    buttons.setSpacing(8)
    left_layout.addLayout(buttons)
    win.generate_button = QPushButton("Generate")
    win.generate_button.setObjectName("generateButton")
    win.generate_button.setAccessibleName("Generate")
    win.generate_button.setDefault(False)
    win.generate_button.setMinimumHeight(34)
    set_role(win.generate_button, "primary")
    buttons.addWidget(win.generate_button, 1)
    # Presets (ui/presets): the menu is filled each time it opens, after the first frame.
    win.presets_button = QPushButton("P&resets")
    win.presets_button.setObjectName("presetsButton")
    win.presets_button.setAccessibleName("Presets")
    win.presets_button.setToolTip("Apply a saved preset to the form, or save the form as one")
    win.presets_button.setMinimumHeight(34)
    win.presets_menu = QMenu("&Presets", win.presets_button)
    win.presets_menu.setObjectName("presetsMenu")
    win.presets_button.setMenu(win.presets_menu)
    buttons.addWidget(win.presets_button)
    win.cancel_button = QPushButton("Cancel")
    win.cancel_button.setObjectName("cancelButton")
    win.cancel_button.setAccessibleName("Cancel running job")
    win.cancel_button.setToolTip("Cancel the running job (Esc)")
    win.cancel_button.setMinimumHeight(34)
    win.cancel_button.setEnabled(False)
    buttons.addWidget(win.cancel_button)


def _build_right(win: MainWindow) -> None:
    """Tabs: "Generate" (messages, results, jobs) and "Library" (the gallery).

    The first frame has the splitter with look-alike placeholders (an empty result
    canvas, a blank job panel): the real parts replace them in place, so nothing moves.
    """
    win.tabs = QTabWidget()
    win.tabs.setObjectName("mainTabs")
    win.tabs.setDocumentMode(True)
    win.splitter.addWidget(win.tabs)
    generate_tab = QWidget()
    generate_tab.setObjectName("generateTab")
    win.tabs.addTab(generate_tab, "Ge&nerate")
    library_page = QWidget()
    library_page.setObjectName("libraryPage")
    win.tabs.addTab(library_page, "&Library")
    win.library_layout = QVBoxLayout(library_page)
    win.library_layout.setContentsMargins(0, 0, 0, 0)
    win.library_layout.setSpacing(0)

    win.tab_layout = QVBoxLayout(generate_tab)
    win.tab_layout.setContentsMargins(0, 0, 0, 0)
    win.tab_layout.setSpacing(0)
    win.right_split = QSplitter()
    set_enum(win.right_split, "orientation", "Vertical")
    win.right_split.setObjectName("resultSplitter")
    win.right_split.setChildrenCollapsible(False)
    win.tab_layout.addWidget(win.right_split, 1)
    results_placeholder = QWidget()
    win.right_split.addWidget(results_placeholder)
    fill_empty_results(results_placeholder)
    jobs_placeholder = QWidget()
    jobs_placeholder.setMinimumHeight(110)
    win.right_split.addWidget(jobs_placeholder)
    win.right_split.setStretchFactor(0, 5)
    win.right_split.setStretchFactor(1, 1)
    win.right_split.setSizes([560, 190])  # room for three jobs


def _build_status_line(win: MainWindow) -> None:
    """Text, (progress: built later, hidden until a job runs), elapsed time, target."""
    status = win.statusBar()
    status.setSizeGripEnabled(True)
    win.status_label = QLabel("Ready")
    win.status_label.setObjectName("statusLabel")
    win.status_label.setIndent(6)  # not flush against the window's edge
    # A long message must not widen the window: it is cut at the status bar's edge.
    # (A minimum width, not an Ignored size policy: QSizePolicy's enums cost start-up.)
    win.status_label.setMinimumWidth(1)
    status.addWidget(win.status_label, 1)
    win.elapsed_label = QLabel()
    win.elapsed_label.setObjectName("elapsedLabel")
    status.addPermanentWidget(win.elapsed_label)
    win.mode_label = QLabel()
    win.mode_label.setObjectName("modeLabel")
    set_role(win.mode_label, "hint")
    status.addPermanentWidget(win.mode_label)


def fill_empty_results(canvas: QWidget) -> None:
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


def _decode_state(text: str) -> bytes | None:
    """A saved geometry or splitter state (base64); None when the settings file was mangled."""
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return None


def _splitters(win: MainWindow) -> dict[str, QSplitter]:
    return dict(zip(SPLITTER_KEYS, (win.splitter, win.right_split), strict=True))


def restore_layout(win: MainWindow, ui_state: dict[str, str]) -> None:
    """The window's geometry and splitter positions as the last session left them."""
    state = {key: _decode_state(value) for key, value in ui_state.items()}
    geometry = state.get("geometry")
    if not (geometry and win.restoreGeometry(geometry)):
        win.resize(1280, 820)
    for key, splitter in _splitters(win).items():
        saved = state.get(key)
        if saved:
            splitter.restoreState(saved)


def fold_form_for_tab(win: MainWindow, index: int) -> None:
    """The form belongs to the Generate tab: on the others (the Library) it folds away
    and the tabs own the whole window. The splitter's state with the form showing is
    kept, so the form comes back as wide as it was (and that is what gets saved)."""
    left = win.splitter.widget(0)
    show = index == 0
    if left is None or left.isHidden() != show:
        return
    if not show:
        win.splitter.setProperty(FOLDED_STATE, win.splitter.saveState())
    left.setHidden(not show)


def store_layout(win: MainWindow, ui_state: dict[str, str]) -> None:
    ui_state["geometry"] = bytes(win.saveGeometry().toBase64().data()).decode()
    for key, splitter in _splitters(win).items():
        state = splitter.saveState()
        folded = splitter.property(FOLDED_STATE)
        left = splitter.widget(0)
        if left is not None and left.isHidden() and folded is not None:
            state = folded  # the form folded away on the Library tab: keep its width
        ui_state[key] = bytes(state.toBase64().data()).decode()
