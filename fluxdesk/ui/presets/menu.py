"""The Presets menu (the button next to Generate, and Generation ▸ Presets): filled each
time it opens, from the presets file, so a preset saved from the command line or a
second window is there. Each preset applies to the form; then save, import, export and
delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from fluxdesk.core import params as P
from fluxdesk.ui.presets.describe import menu_text, preset_text, value_text

if TYPE_CHECKING:
    from fluxdesk.core.presets import Preset
    from fluxdesk.ui.presets.controller import PresetActions

SAVE_TEXT = "&Save form as preset…"
IMPORT_TEXT = "&Import preset…"
EXPORT_TEXT = "&Export preset"
DELETE_TEXT = "&Delete preset"


def fill_menu(menu: QMenu, actions: PresetActions) -> None:
    """The menu's entries as the presets stand now."""
    for old in menu.findChildren(QMenu):  # last time's submenus (clear() keeps them)
        old.deleteLater()
    menu.clear()
    menu.setToolTipsVisible(True)
    presets = actions.all()
    if presets:
        section = menu.addSection("Apply to the form")
        section.setObjectName("presetsSection")
    else:
        empty = menu.addAction("No presets yet: save the form as one")
        empty.setEnabled(False)
    for preset in presets:
        entry = menu.addAction(f"{menu_text(preset.name)}\t{entry_hint(preset)}")
        entry.setObjectName(f"preset:{preset.name}")
        entry.setToolTip(preset_text(preset))
        entry.triggered.connect(lambda _=False, p=preset: actions.apply(p))
    menu.addSeparator()
    save = menu.addAction(SAVE_TEXT)
    save.setObjectName("savePresetAction")
    save.setToolTip("Save the form's settings (the seed only if you ask) under a name")
    save.triggered.connect(actions.save_form)
    imported = menu.addAction(IMPORT_TEXT)
    imported.setObjectName("importPresetAction")
    imported.triggered.connect(actions.import_dialog)
    for text, name, act, dots in (
        (EXPORT_TEXT, "exportPresetMenu", actions.export_dialog, "…"),
        (DELETE_TEXT, "deletePresetMenu", actions.delete, ""),
    ):
        sub = QMenu(text, menu)
        sub.setObjectName(name)
        sub.setEnabled(bool(presets))
        for preset in presets:
            item = sub.addAction(menu_text(preset.name) + dots)
            item.setObjectName(f"{name}:{preset.name}")
            item.triggered.connect(lambda _=False, p=preset, act=act: act(p))
        menu.addMenu(sub)


def entry_hint(preset: Preset) -> str:
    """The short words right of a preset's name: its size (else its first two settings),
    and "template" for one."""
    size = preset.values.get(P.IMAGE_SIZE.field)
    if size is not None:
        words = [value_text(P.IMAGE_SIZE, size)]
    else:
        held = [spec for spec in P.FIELDS if spec.field in preset.values and spec is not P.PROMPT]
        words = [value_text(spec, preset.values[spec.field]) for spec in held[:2]]
    if preset.is_template:
        words.append("template")
    return " · ".join(words)
