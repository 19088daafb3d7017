"""Presets in the window (issue 18): the Presets menu next to Generate, the save dialog,
templates, import/export/delete, with a real window, real files under FLUXDESK_HOME and
the real loopback sandbox (what a preset sends is read from its request log)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from fluxdesk.core.context import AppContext
from fluxdesk.core.presets import Preset, PresetStore
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.presets.dialog import SavePresetDialog

TIMEOUT = 20_000
CHANGED = {  # a form far from every value the tests save
    F.PROMPT: "something else entirely",
    F.SIZE: "square",
    F.GUIDANCE: 2.0,
    F.STEPS: 40,
    F.NUM_IMAGES: 1,
    F.FORMAT: "jpeg",
    F.SAFETY: True,
    F.SEED: "77",
}


def fill(window: MainWindow, values: dict[str, Any]) -> None:
    for key, value in values.items():
        window.form.set_value(key, value)


def open_menu(window: MainWindow) -> QMenu:
    """The Presets menu as the button shows it (filled as it opens)."""
    menu = window.presets_menu
    menu.popup(window.presets_button.mapToGlobal(QPoint(0, window.presets_button.height())))
    assert menu.isVisible()
    return menu


def menu_entry(menu: QMenu, name: str) -> QAction:
    found = [a for a in menu.actions() if a.objectName() == name]
    if not found:  # (in a submenu)
        for sub in menu.findChildren(QMenu):
            found += [a for a in sub.actions() if a.objectName() == name]
    assert len(found) == 1, [a.objectName() for a in menu.actions()]
    return found[0]


def apply_from_menu(window: MainWindow, name: str) -> None:
    menu = open_menu(window)
    menu_entry(menu, f"preset:{name}").trigger()
    menu.close()


def save_dialog(window: MainWindow) -> SavePresetDialog:
    menu = open_menu(window)
    menu_entry(menu, "savePresetAction").trigger()
    menu.close()
    dialog = window.presets.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def stored(home: Path) -> dict[str, Any]:
    data = json.loads((home / "presets.json").read_text(encoding="utf-8"))
    return {p["name"]: p["values"] for p in data["presets"]}


DUSK = {
    F.PROMPT: "a lighthouse on a basalt cliff at dusk",
    F.SIZE: F.CUSTOM_SIZE,
    F.WIDTH: 1536,
    F.HEIGHT: 512,
    F.GUIDANCE: 7.5,
    F.STEPS: 12,
    F.NUM_IMAGES: 3,
    F.FORMAT: "png",
    F.SAFETY: False,
    F.SEED: "4242",
}


@pytest.mark.parametrize("with_seed", [True, False])
def test_the_form_saved_as_a_preset_comes_back_on_a_changed_form(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path, with_seed: bool
) -> None:
    fill(window, DUSK)
    dialog = save_dialog(window)
    assert dialog.name_edit.text() == "a lighthouse on a basalt cliff"  # selected: typing replaces it
    assert dialog.name_edit.selectedText() == dialog.name_edit.text()
    assert "1536×512 · guidance 7.5 · 12 steps · 3 images · PNG · safety off" in dialog.settings_label.text()
    assert not dialog.seed_check.isChecked() and "4242" in dialog.seed_check.text()
    dialog.name_edit.setText("Dusk")
    dialog.seed_check.setChecked(with_seed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.status_label.text() == "Saved preset “Dusk”: apply it from the Presets menu"
    values = stored(fd_home)["Dusk"]  # the real file, in the API's names and JSON types
    assert values["image_size"] == {"width": 1536, "height": 512}
    assert (values["guidance_scale"], values["num_inference_steps"], values["num_images"]) == (7.5, 12, 3)
    assert (values["output_format"], values["enable_safety_checker"]) == ("png", False)
    assert values.get("seed") == (4242 if with_seed else None) and ("seed" in values) == with_seed

    fill(window, CHANGED)
    apply_from_menu(window, "Dusk")
    expected = dict(DUSK, **({} if with_seed else {F.SEED: "77"}))  # no seed held: the form's stays
    assert {key: window.form.value(key) for key in expected} == expected
    assert window.form.valid and window.status_label.text() == "Preset “Dusk” applied"
    # The widgets show it too (the form model drives them).
    assert window.form_panel.size_combo.currentData() == F.CUSTOM_SIZE
    assert window.form_panel.format_combo.currentData() == "png"
    assert not window.form_panel.safety_check.isChecked()


def test_a_custom_size_comes_back_exactly_with_the_ratio_locked(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    PresetStore(fd_home / "presets.json").save(Preset("Wide", {"image_size": {"width": 1024, "height": 768}}))
    fill(window, {F.PROMPT: "a fox", F.SIZE: F.CUSTOM_SIZE, F.WIDTH: 640, F.HEIGHT: 640})
    window.form_panel.lock_ratio.setChecked(True)  # 1:1 locked
    apply_from_menu(window, "Wide")
    assert (window.form.value(F.WIDTH), window.form.value(F.HEIGHT)) == (1024, 768)
    window.form.set_value(F.WIDTH, 1536)  # the lock keeps the preset's 4:3 from now on
    assert window.form.value(F.HEIGHT) == 1152


def test_a_template_puts_its_slot_selected_in_the_prompt_and_typing_fills_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, fd_home: Path
) -> None:
    fill(window, {F.PROMPT: "studio portrait of a red fox, rim light", F.SIZE: "portrait_4_3"})
    dialog = save_dialog(window)
    # The subject becomes the slot: select it in the dialog's prompt, one click.
    text = dialog.prompt_edit.toPlainText()
    cursor = dialog.prompt_edit.textCursor()
    cursor.setPosition(text.index("a red fox"))
    cursor.setPosition(text.index(","), cursor.MoveMode.KeepAnchor)
    dialog.prompt_edit.setTextCursor(cursor)
    qtbot.mouseClick(dialog.slot_button, Qt.MouseButton.LeftButton)
    assert dialog.prompt_edit.toPlainText() == "studio portrait of {subject}, rim light"
    dialog.name_edit.setText("Portrait")
    assert dialog.try_save() is not None
    assert stored(fd_home)["Portrait"]["prompt"] == "studio portrait of {subject}, rim light"

    fill(window, CHANGED)
    apply_from_menu(window, "Portrait")
    prompt = window.form_panel.prompt
    assert prompt.toPlainText() == "studio portrait of {subject}, rim light"
    assert prompt.textCursor().selectedText() == "{subject}" and prompt.hasFocus()
    assert "type the subject over {subject}" in window.status_label.text()
    # Generate does not send the slot itself: it selects it again and says so.
    assert window.generate() is None
    assert "Type the subject over {subject} first" in window.status_label.text()
    assert ctx.sandbox is None or not ctx.sandbox.generation_requests
    qtbot.keyClicks(prompt, "an old fisherman")
    assert window.form.value(F.PROMPT) == "studio portrait of an old fisherman, rim light"
    assert window.form.value(F.SIZE) == "portrait_4_3"


def test_an_invalid_form_is_not_saved_and_shows_its_own_problem(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    fill(window, {F.PROMPT: "a fox", F.STEPS: 99})
    menu = open_menu(window)
    menu_entry(menu, "savePresetAction").trigger()
    menu.close()
    assert window.presets.dialog is None  # no dialog: the form's problem instead
    steps_error = window.form_panel._errors[F.STEPS]
    assert steps_error.isVisible() and "1 to 50" in steps_error.text()
    assert window.status_label.text().startswith("Not saved as a preset: Steps")
    assert not (fd_home / "presets.json").exists()


def test_the_dialog_names_a_bad_name_or_prompt_and_saves_nothing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    fill(window, {F.PROMPT: "a fox"})
    dialog = save_dialog(window)
    dialog.name_edit.setText("   ")
    dialog.prompt_edit.setPlainText("x" * 4001)
    assert dialog.try_save() is None and dialog.isVisible()
    assert dialog.name_error.isVisible() and "Preset name: must not be empty" in dialog.name_error.text()
    assert dialog.prompt_error.isVisible() and dialog.prompt_error.text().startswith("Prompt:")
    assert not (fd_home / "presets.json").exists()
    # A prompt left out: the settings alone (applying keeps the form's prompt).
    dialog.name_edit.setText("Settings only")
    dialog.prompt_check.setChecked(False)
    assert dialog.try_save() is not None
    assert "prompt" not in stored(fd_home)["Settings only"]


def test_a_taken_name_says_so_and_saving_replaces_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    PresetStore(fd_home / "presets.json").save(Preset("Dusk", {"num_inference_steps": 10}))
    fill(window, {F.PROMPT: "a fox", F.STEPS: 30})
    dialog = save_dialog(window)
    dialog.name_edit.setText("dusk")
    assert dialog.replace_hint.isVisible() and "“Dusk” exists" in dialog.replace_hint.text()
    assert dialog.save_button.text() == "Replace"
    dialog.name_edit.setText("dusk 2")
    assert not dialog.replace_hint.isVisible() and dialog.save_button.text() == "Save"
    dialog.name_edit.setText("Dusk")
    assert dialog.try_save() is not None
    assert stored(fd_home) == {"Dusk": stored(fd_home)["Dusk"]}
    assert stored(fd_home)["Dusk"]["num_inference_steps"] == 30


def test_the_menu_lists_presets_and_is_in_the_generation_menu_too(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    menu = open_menu(window)
    texts = [a.text() for a in menu.actions()]
    assert "No presets yet: save the form as one" in texts
    menu.close()
    store = PresetStore(fd_home / "presets.json")  # saved elsewhere (the command line): there next time
    store.save(Preset("Salt & pepper", {"image_size": "square_hd"}))
    store.save(Preset("Portrait", {"prompt": "portrait of {subject}", "image_size": "portrait_4_3"}))
    store.save(Preset("draft", {"num_inference_steps": 8, "num_images": 4, "output_format": "png"}))
    menu = open_menu(window)
    entries = [a.text() for a in menu.actions() if a.objectName().startswith("preset:")]
    assert entries == [
        "draft\t8 steps · 4 images",  # (no size: its first settings)
        "Portrait\tPortrait 3:4 · template",
        "Salt && pepper\tSquare HD",
    ]
    tip = menu_entry(menu, "preset:Portrait").toolTip()
    assert tip == "Prompt template: portrait of {subject}\nPortrait 3:4"
    menu.close()
    generation = window.menus["generation"]
    assert window.presets_menu.menuAction() in generation.actions()


def test_import_adds_a_good_file_and_names_the_bad_field_of_another(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path, tmp_path: Path
) -> None:
    good = tmp_path / "portrait.json"
    good.write_text(
        json.dumps({"fluxdesk_preset": 1, "name": "Portrait", "values": {"num_inference_steps": 20}})
    )
    assert window.presets.import_file(good) is not None
    assert stored(fd_home) == {"Portrait": {"num_inference_steps": 20}}
    assert window.status_label.text() == "Imported preset “Portrait” from portrait.json"

    bad = tmp_path / "loud.json"
    bad.write_text(json.dumps({"fluxdesk_preset": 1, "name": "Loud", "values": {"guidance_scale": 99}}))
    before = (fd_home / "presets.json").read_bytes()
    assert window.presets.import_file(bad) is None
    message = window.message_bar.message
    assert message is not None and message.title == "loud.json was not imported"
    assert "Guidance scale" in message.text and "1 to 20" in message.text and "99" in message.text
    assert (fd_home / "presets.json").read_bytes() == before  # nothing saved

    not_preset = tmp_path / "settings.json"
    not_preset.write_text("{}")
    assert window.presets.import_file(not_preset) is None
    assert window.message_bar.message is not None
    assert "not a FluxDesk preset" in window.message_bar.message.text


def test_import_of_a_taken_name_asks_before_replacing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path, tmp_path: Path
) -> None:
    PresetStore(fd_home / "presets.json").save(Preset("Portrait", {"num_inference_steps": 10}))
    shared = tmp_path / "portrait.json"
    shared.write_text(
        json.dumps({"fluxdesk_preset": 1, "name": "portrait", "values": {"num_inference_steps": 20}})
    )

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "“Portrait” exists" in box.text()
        chosen = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        chosen.click()

    QTimer.singleShot(50, lambda: answer("Cancel"))
    assert window.presets.import_file(shared) is None
    assert stored(fd_home) == {"Portrait": {"num_inference_steps": 10}}
    QTimer.singleShot(50, lambda: answer("Replace"))
    assert window.presets.import_file(shared) is not None
    assert stored(fd_home) == {"portrait": {"num_inference_steps": 20}}


def test_export_writes_a_file_import_takes_back_and_delete_has_undo(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path, tmp_path: Path
) -> None:
    preset = Preset("Dusk & dawn", {"image_size": "landscape_16_9", "guidance_scale": 4.5})
    store = PresetStore(fd_home / "presets.json")
    store.save(preset)
    target = window.presets.export_to(preset, tmp_path / "dusk")
    assert target == tmp_path / "dusk.json"
    assert json.loads(target.read_text()) == preset.to_file()

    menu = open_menu(window)
    menu_entry(menu, "deletePresetMenu:Dusk & dawn").trigger()
    menu.close()
    assert store.all() == []
    bar = window.message_bar
    assert bar.message is not None and bar.message.title == "Preset deleted"
    window.presets.undo_delete()
    assert store.all() == [preset]
    store.delete(preset.name)
    assert window.presets.import_file(target) == preset


def test_a_preset_applied_in_the_window_is_what_the_sandbox_receives(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, fd_home: Path
) -> None:
    PresetStore(fd_home / "presets.json").save(
        Preset(
            "Night",
            {
                "prompt": "a neon street in {subject}, cinematic",
                "image_size": "portrait_16_9",
                "guidance_scale": 6.0,
                "num_inference_steps": 9,
                "num_images": 2,
                "seed": 31337,
                "output_format": "png",
                "enable_safety_checker": False,
            },
        )
    )
    fill(window, CHANGED)
    apply_from_menu(window, "Night")
    qtbot.keyClicks(window.form_panel.prompt, "the rain")
    qtbot.mouseClick(window.generate_button, Qt.MouseButton.LeftButton)
    assert len(window.queue.jobs) == 1
    job = window.queue.jobs[0]
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=TIMEOUT)
    assert ctx.sandbox is not None
    sent = ctx.sandbox.generation_requests[-1].body
    assert sent == {
        "model": sent["model"],
        "prompt": "a neon street in the rain, cinematic",
        "image_size": "portrait_16_9",
        "guidance_scale": 6.0,
        "num_inference_steps": 9,
        "num_images": 2,
        "seed": 31337,
        "output_format": "png",
        "enable_safety_checker": False,
    }


@pytest.mark.subprocess
def test_the_window_imports_nothing_of_the_presets_before_the_menu_opens() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import fluxdesk.ui.main_window, fluxdesk.ui.app\n"
        "late = ('json', 'fluxdesk.core.presets', 'fluxdesk.ui.presets.menu')\n"
        "print([m for m in late if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_import_and_export_from_the_menu_go_through_the_file_dialogs(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    shared = tmp_path / "shared" / "draft.json"
    shared.parent.mkdir()
    shared.write_text(json.dumps({"fluxdesk_preset": 1, "name": "Draft", "values": {"num_images": 4}}))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(shared), ""))
    menu = open_menu(window)
    menu_entry(menu, "importPresetAction").trigger()
    menu.close()
    assert stored(fd_home) == {"Draft": {"num_images": 4}}

    asked: list[str] = []

    def save_name(parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "out.json"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    menu = open_menu(window)
    menu_entry(menu, "exportPresetMenu:Draft").trigger()
    menu.close()
    assert asked == [str(shared.parent / "Draft.json")]  # where the last one came from
    assert json.loads((tmp_path / "out.json").read_text()) == Preset("Draft", {"num_images": 4}).to_file()


def test_a_damaged_presets_file_is_named_and_never_overwritten(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, fd_home: Path
) -> None:
    damaged = fd_home / "presets.json"
    damaged.write_text('{"presets": [', encoding="utf-8")
    menu = open_menu(window)
    assert menu.actions()[0].text() == "No presets yet: save the form as one"
    menu.close()
    message = window.message_bar.message
    assert message is not None and message.title == "Presets cannot be read"
    assert str(damaged) in message.text
    fill(window, {F.PROMPT: "a fox"})
    assert window.presets.save_form() is None  # no dialog that would replace the file
    assert damaged.read_text(encoding="utf-8") == '{"presets": ['


def test_the_save_dialog_names_every_control_for_a_screen_reader(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    from tests.ui.test_accessibility import assert_all_named

    fill(window, {F.PROMPT: "a fox", F.SEED: "5"})
    dialog = save_dialog(window)
    assert_all_named(dialog, at_least=6)
    dialog.reject()
