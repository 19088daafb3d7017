""" "Save as preset…" on a library image (issue 18): from the grid's context menu and the
details panel, the image's settings go through the same save dialog as the form's, into
the real presets file, and applying the preset in the window gives the image's settings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.presets.dialog import SavePresetDialog

if TYPE_CHECKING:
    from fluxdesk.ui.main_window import MainWindow


def test_save_as_preset_from_the_details_panel_then_apply_it_in_the_form(  # type: ignore[no-untyped-def]
    qtbot, main_window: MainWindow, ctx: AppContext
) -> None:
    win = main_window
    gallery = win.gallery_view
    win.tabs.setCurrentIndex(1)
    item = gallery.model.item(3)
    assert item is not None
    gallery.select_ids([item.id])
    button = gallery.details.action_buttons["preset"]
    assert button.isVisible() and button.text() == "Save as preset…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SavePresetDialog)
    request = item.to_request(with_seed=True)
    assert dialog.prompt_edit.toPlainText() == request.prompt
    assert dialog.seed_check.isEnabled() and not dialog.seed_check.isChecked()
    assert str(request.seed) in dialog.seed_check.text()
    dialog.name_edit.setText("From the library")
    dialog.seed_check.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert gallery.message_bar.message is not None
    assert gallery.message_bar.message.title == "Preset saved"
    data = json.loads(ctx.paths.presets_file.read_text(encoding="utf-8"))
    [saved] = data["presets"]
    assert saved["name"] == "From the library"
    assert saved["values"] == request.to_fields()

    # Applied to a changed form, it gives back the image's settings, seed included.
    win.tabs.setCurrentIndex(0)
    win.form.set_value(F.PROMPT, "something else")
    win.form.set_value(F.STEPS, 3)
    win.form.set_value(F.SEED, "")
    [preset] = win.presets.all()
    win.presets.apply(preset)
    assert win.form.request == request


def test_the_grid_context_menu_offers_save_as_preset_for_one_image(  # type: ignore[no-untyped-def]
    qtbot, main_window: MainWindow
) -> None:
    gallery = main_window.gallery_view
    main_window.tabs.setCurrentIndex(1)
    first, second = gallery.model.item(0), gallery.model.item(1)
    assert first is not None and second is not None
    gallery.select_ids([first.id, second.id])
    assert not gallery.preset_action.isEnabled()  # one image's settings, not two
    assert not gallery.details.action_buttons["preset"].isVisible()
    gallery.select_ids([first.id])
    rect = gallery.grid.visualRect(gallery.model.index(0, 0))
    gallery._context_menu(rect.center())
    menu = gallery._menu
    assert gallery.preset_action in menu.actions() and gallery.preset_action.isEnabled()
    menu.close()
    gallery.preset_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SavePresetDialog)
    assert dialog.prompt_edit.toPlainText() == first.prompt
    dialog.reject()
    assert not main_window.ctx.paths.presets_file.exists()  # cancelled: nothing saved
