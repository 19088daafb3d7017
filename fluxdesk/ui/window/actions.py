"""The window's actions (with their keys), its menus, and when each action is available.

Built after the first frame (``build_actions``); the menu titles are part of the first
frame (``layout.build_first_frame``), their entries come here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from fluxdesk.ui.main_window import MainWindow
else:
    from fluxdesk.ui.lazy_qt import Qt


def generate_keys() -> list[QKeySequence]:
    # "Ctrl" is Cmd on macOS.
    return [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]


def _action(
    win: MainWindow, text: str, slot: Callable[..., Any], keys: list[QKeySequence] | None = None
) -> QAction:
    a = QAction(text, win)
    # A standard key is often the same as the explicit one (Quit is Ctrl+Q on Linux): the
    # same key twice on one action makes Qt call it ambiguous and do nothing.
    keys = list({k.toString(): k for k in keys or [] if not k.isEmpty()}.values())
    if keys:
        a.setShortcuts(keys)
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a.triggered.connect(slot)
    win.addAction(a)
    return a


def build_actions(win: MainWindow) -> None:
    """The window's actions (``win.*_action``), in its menus, on the result cards and on
    the job list; each enabled as things stand."""
    std = QKeySequence.StandardKey
    ctrl = Qt.KeyboardModifier.ControlModifier
    files = win.files

    def action(text: str, slot: Callable[..., Any], keys: list[QKeySequence] | None = None) -> QAction:
        return _action(win, text, slot, keys)

    win.generate_action = action("&Generate", win.generate, generate_keys())
    win.cancel_action = action("&Cancel running job", win.cancel_running, [QKeySequence(Qt.Key.Key_Escape)])
    win.save_action = action(
        "&Save image as…", files.save_image_as, [QKeySequence(std.Save), QKeySequence(std.SaveAs)]
    )
    win.copy_action = action("&Copy image", files.copy_image, [QKeySequence(std.Copy)])
    win.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    win.result_view.addAction(win.copy_action)
    win.folder_action = action("Show in &folder", files.open_folder)
    win.reuse_action = action(
        "&Use these settings again", files.reuse_settings, [QKeySequence(ctrl | Qt.Key.Key_R)]
    )
    win.view_action = action("&View image", files.view_current)
    win.result_view.set_card_actions(
        win.view_action, win.save_action, win.copy_action, win.folder_action, win.reuse_action
    )
    win.history_action = action("Prompt &history…", win.show_history, [QKeySequence(ctrl | Qt.Key.Key_H)])
    win.settings_action = action(
        "&Settings…",
        win.open_settings,
        [QKeySequence(std.Preferences), QKeySequence(ctrl | Qt.Key.Key_Comma)],
    )
    win.diagnostics_action = action("Copy connection &diagnostics", lambda: _copy_diagnostics(win))
    win.diagnostics_action.setToolTip(
        "Check the way to the API (like `fluxdesk doctor`) and copy the report, without the key"
    )
    win.full_action = action(
        "&Full screen", win.toggle_full_screen, [QKeySequence(std.FullScreen), QKeySequence("F11")]
    )
    win.quit_action = action("&Quit", win.close, [QKeySequence(std.Quit), QKeySequence(ctrl | Qt.Key.Key_Q)])
    win.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    win.cancel_action.setEnabled(win.queue.running is not None)
    win.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    # The job list's own (its context menu): the presenter knows the selected job.
    win.cancel_job_action = action(
        "Cancel job", lambda: win.job_status.cancel_selected(), [QKeySequence(std.Delete)]
    )
    win.cancel_job_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    win.retry_action = action("Retry", lambda: win.job_status.retry_selected())
    win.job_list.addAction(win.cancel_job_action)
    win.job_list.addAction(win.retry_action)

    menus = win.menus
    menus["file"].addActions([win.save_action, win.folder_action])
    menus["file"].addSeparator()
    menus["file"].addActions([win.settings_action, win.diagnostics_action])
    menus["file"].addSeparator()
    menus["file"].addAction(win.quit_action)
    menus["edit"].addActions([win.copy_action, win.reuse_action, win.history_action])
    menus["generation"].addActions([win.generate_action, win.cancel_action])
    win.sweep_action = action("Parameter &sweep…", win.open_sweep)
    menus["generation"].addAction(win.sweep_action)
    _build_presets(win)
    menus["view"].addActions([win.view_action, win.full_action])

    update_result_actions(win)


def _build_presets(win: MainWindow) -> None:
    """The Presets menu: on its button next to Generate and in the Generation menu (one
    menu, filled as it opens; see ui/presets)."""
    from fluxdesk.ui.presets.controller import PresetActions
    from fluxdesk.ui.presets.menu import fill_menu

    win.presets = PresetActions(win)
    win.presets_menu.aboutToShow.connect(lambda: fill_menu(win.presets_menu, win.presets))
    win.menus["generation"].addSeparator()
    win.menus["generation"].addMenu(win.presets_menu)


def _copy_diagnostics(win: MainWindow) -> None:
    from fluxdesk.ui.window.diagnostics import copy_diagnostics

    copy_diagnostics(win)


def explain_generate(win: MainWindow, valid: bool) -> None:
    """Generate's menu entry follows the form; its button's tooltip says why it is off."""
    win.generate_action.setEnabled(valid)
    shortcut = generate_keys()[0].toString(QKeySequence.SequenceFormat.NativeText)
    if valid:
        win.generate_button.setToolTip(f"Generate ({shortcut}); while a job runs, this queues another")
    else:
        win.generate_button.setToolTip(
            "Cannot generate yet:\n" + "\n".join(p.message for p in win.form.problems)
        )


def update_result_actions(win: MainWindow) -> None:
    """What acts on the shown result is available while there is one."""
    has = win.result_view.current is not None
    for a in (win.save_action, win.copy_action, win.folder_action, win.reuse_action, win.view_action):
        a.setEnabled(has)
