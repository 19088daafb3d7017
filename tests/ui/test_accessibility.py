"""Keyboard and screen-reader use, checked through Qt's accessibility interface.

What a screen reader gets is what ``QAccessible.queryAccessibleInterface`` answers
in-process (the same tree AT-SPI carries to Orca, see
../shared/recipes/accessibility.md): every control a user can reach has a name that says
what it is (not a bare symbol such as "⇄" or "−"), and Tab from the prompt reaches every
enabled control of the form, Generate included.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from fluxdesk.core.context import AppContext
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme.palette import apply_theme

TIMEOUT = 20_000
# Widgets a user operates: these need a name even where they take no keyboard focus
# (a toolbar's buttons).
CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSlider,
    QTabBar,
)


def _tab_focusable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def _part_of_another(widget: QWidget) -> bool:
    """A spin box's or combo box's own line edit, a scroll area's bars, a tab widget (its
    tab bar takes the focus): the screen reader reads them as part of the control that
    holds them."""
    if isinstance(widget, QScrollBar) or widget.focusProxy() is not None:
        return True
    parent = widget.parentWidget()
    if isinstance(widget, QHeaderView) and isinstance(parent, QAbstractItemView):
        return True  # read as the table's column headers
    return isinstance(parent, (QAbstractSpinBox, QComboBox))


def _describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, (QAbstractButton, QLineEdit)) else ""
    return f"{type(widget).__name__}#{widget.objectName() or '?'} {text!r}".rstrip()


def _says_something(name: str) -> bool:
    return any(ch.isalnum() for ch in name)


def spoken_name(iface: QAccessibleInterface) -> str:
    """What a screen reader says a control is. A combo box's name is its current entry on
    Linux (Qt: "on Linux we use relations for this"), so for one it is its labels: Qt's
    Label relation, AT-SPI's labelled-by."""
    if iface.role() == QAccessible.Role.ComboBox:
        labels = iface.relations(QAccessible.Relation.Label)
        return " ".join(other.text(QAccessible.Text.Name) for other, _ in labels)
    return iface.text(QAccessible.Text.Name)


def unnamed_controls(root: QWidget) -> tuple[list[str], int]:
    """The shown, enabled controls under ``root`` whose accessible name says nothing, and
    how many controls were looked at."""
    problems: list[str] = []
    seen = 0
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or not widget.isEnabled() or _part_of_another(widget):
            continue
        if not (isinstance(widget, CONTROLS) or _tab_focusable(widget)):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        assert iface is not None and iface.isValid(), _describe(widget)
        seen += 1
        if isinstance(widget, QTabBar):  # the tabs are what is read, one child each
            names = [iface.child(i).text(QAccessible.Text.Name) for i in range(iface.childCount())]
            problems += [
                f"{_describe(widget)} tab {i}" for i, n in enumerate(names) if not _says_something(n)
            ]
            continue
        name = spoken_name(iface)
        if not _says_something(name):
            problems.append(f"{_describe(widget)} (role {iface.role().name}, name {name!r})")
    return problems, seen


def assert_all_named(root: QWidget, *, at_least: int) -> None:
    problems, seen = unnamed_controls(root)
    assert not problems, f"{root.windowTitle()}: controls without an accessible name:\n" + "\n".join(problems)
    assert seen >= at_least, f"{root.windowTitle()}: only {seen} controls looked at"


@pytest.fixture
def full_window(qtbot, qapp: QApplication, ctx: AppContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The window after one generation of two images: results, a job, a library."""
    apply_theme(qapp)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.built, timeout=3000)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    win.form_panel.prompt.setPlainText("a lighthouse at dusk")
    win.form_panel.images_spin.setValue(2)
    with qtbot.waitSignal(win.image_saved, timeout=TIMEOUT):
        win.generate_button.click()
    yield win
    win.queue.shutdown(timeout_ms=5000)
    if win.viewer is not None:
        win.viewer.close()


def test_every_control_of_the_window_and_its_dialogs_has_a_name(qtbot, full_window: MainWindow, ctx) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.ui.generate.sweep_dialog import SweepDialog, SweepGridWindow
    from fluxdesk.ui.library.compare import CompareDialog
    from fluxdesk.ui.settings_dialog import SettingsDialog

    win = full_window
    # Generate tab: form, buttons, results with their cards, the job list, status bar.
    assert win.tabs.currentIndex() == 0
    assert_all_named(win, at_least=20)

    # Library tab: search, the five filters, the grid, the details of a selected image.
    win.tabs.setCurrentIndex(1)
    gallery = win.gallery_view
    qtbot.waitUntil(lambda: gallery.model.total >= 2, timeout=TIMEOUT)  # (a batch: one stack)
    gallery.dates.setCurrentIndex(gallery.dates.findData("custom"))  # the two date fields shown
    assert gallery.date_from.isVisible()
    qtbot.waitUntil(lambda: gallery.model.total >= 2, timeout=TIMEOUT)  # (today's)
    gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: gallery.details.item is not None, timeout=TIMEOUT)
    filters = (gallery.rating, gallery.format, gallery.size_filter, gallery.nsfw, gallery.dates)
    names = [spoken_name(QAccessible.queryAccessibleInterface(combo)) for combo in filters]
    assert names == [
        "Filter by rating",
        "Filter by format",
        "Filter by size",
        "Filter NSFW images",
        "Filter by date",
    ]
    assert [combo.accessibleName() for combo in filters] == names  # (what other platforms read)
    assert_all_named(win, at_least=30)

    # The viewer, opened on a saved image.
    item = gallery.model.item(0)
    assert item is not None
    viewer = gallery.item_actions.open_in_viewer()
    assert viewer is not None
    qtbot.waitExposed(viewer)
    assert_all_named(viewer, at_least=5)
    viewer.close()

    other = gallery.model.records(gallery.model.stacks.stack_ids(item.id))[1]  # the batch's second image
    compare = CompareDialog(item, other, win)
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitExposed(compare)
    for mode in (0, 1):  # side by side, swipe
        compare.set_mode(mode)
        assert_all_named(compare, at_least=2)
    compare.close()

    settings = SettingsDialog(ctx, win)
    qtbot.addWidget(settings)
    settings.show()
    qtbot.waitExposed(settings)
    assert_all_named(settings, at_least=8)
    settings.close()

    base = GenerationRequest(prompt="a lighthouse", seed=7)
    sweep_dialog = SweepDialog(base, win)
    qtbot.addWidget(sweep_dialog)
    sweep_dialog.row_field.setCurrentIndex(2)  # a second axis: its values field enabled
    sweep_dialog.show()
    qtbot.waitExposed(sweep_dialog)
    assert_all_named(sweep_dialog, at_least=5)
    sweep_dialog.col_values.setText("2, 4")
    sweep_dialog.row_field.setCurrentIndex(0)
    assert sweep_dialog.sweep is not None
    grid = SweepGridWindow(sweep_dialog.sweep, win.queue, win)
    qtbot.addWidget(grid)
    grid.show()
    qtbot.waitExposed(grid)
    assert_all_named(grid, at_least=2)
    grid.close()


def _tab_chain(qtbot, start: QWidget, limit: int = 200) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """The widgets Tab visits from ``start`` until it comes back (or ``limit`` presses)."""
    start.setFocus()
    qtbot.waitUntil(start.hasFocus, timeout=3000)
    chain: list[QWidget] = [start]
    for _ in range(limit):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None
        if now is start:
            return chain
        iface = QAccessible.queryAccessibleInterface(now)
        assert iface is not None and iface.state().focused, _describe(now)
        chain.append(now)
    return chain


def test_tab_from_the_prompt_reaches_every_form_control_then_generate(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.form_panel
    panel.prompt.setPlainText("a lighthouse at dusk")
    panel.size_combo.setCurrentIndex(panel.size_combo.findData("custom"))  # the custom sides shown
    panel.seed_edit.setText("42")
    assert window.generate_button.isEnabled()
    chain = _tab_chain(qtbot, panel.prompt)
    assert window.generate_button in chain, [_describe(w) for w in chain]

    form_controls = [
        w
        for w in panel.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and _tab_focusable(w) and not _part_of_another(w)
    ]
    assert len(form_controls) >= 10
    missed = [_describe(w) for w in form_controls if w not in chain]
    assert not missed, f"Tab never reaches: {missed}"
    # A sensible order: down the form, then Generate (not somewhere in the middle of it).
    generate_at = chain.index(window.generate_button)
    after = [_describe(w) for w in form_controls if chain.index(w) > generate_at]
    assert not after, f"after Generate: {after}; the chain: {[_describe(w) for w in chain]}"

    # And on beyond the form: the tabs, results and job list are reachable too.
    assert window.tabs.tabBar() in chain


def test_tab_on_the_library_goes_search_filters_actions_grid(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(1)
    gallery = window.gallery_view
    qtbot.waitUntil(gallery.search.isVisible, timeout=3000)
    chain = _tab_chain(qtbot, gallery.search)
    row = [gallery.search, gallery.favourites, gallery.rating, gallery.format, gallery.size_filter]
    row += [gallery.nsfw, gallery.dates, gallery.more, gallery.grid]
    missed = [_describe(w) for w in row if w not in chain]
    assert not missed, f"Tab never reaches: {missed}"
    assert [chain.index(w) for w in row] == sorted(chain.index(w) for w in row), [_describe(w) for w in chain]


def test_sweep_grid_has_a_close_button_and_closes_on_escape(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.core.sweep import Axis, expand, parse_values
    from fluxdesk.ui.generate.sweep_dialog import SweepGridWindow

    sweep = expand(
        GenerationRequest(prompt="a red fox", seed=3),
        Axis("guidance_scale", parse_values("guidance_scale", "2, 4")),
    )
    grid = SweepGridWindow(sweep, window.queue, window)
    qtbot.addWidget(grid)
    grid.show()
    qtbot.waitExposed(grid)
    assert grid.close_button.text() == "Close" and grid.close_button.isEnabled()
    qtbot.mouseClick(grid.close_button, Qt.MouseButton.LeftButton)
    assert not grid.isVisible()

    grid.show()
    grid.activateWindow()
    qtbot.waitUntil(grid.isActiveWindow, timeout=3000)
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert not grid.isVisible()
