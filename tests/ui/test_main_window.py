"""Drive the real window against the in-process sandbox and the real ``generate``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QListView, QPushButton

from fluxdesk.core.context import AppContext
from fluxdesk.core.request import GenerationRequest
from fluxdesk.core.settings import Settings
from fluxdesk.ui import tasks
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.messages import Action
from fluxdesk.ui.widgets.image_viewer import FIT, MAX_SCALE

TIMEOUT = 15_000


def generate(qtbot, window: MainWindow, prompt: str = "a red fox in snow"):  # type: ignore[no-untyped-def]
    window.form.set_value(F.PROMPT, "")
    qtbot.keyClicks(window.form_panel.prompt, prompt)
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(window.generate_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_start_state_focus_and_object_names(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.focusWidget() is window.form_panel.prompt
    for name in ("promptEdit", "generateButton", "cancelButton", "resultView", "jobList", "galleryView"):
        assert window.findChild(object, name) is not None, name
    # Nothing typed yet: Generate is off and says why; no red text for the empty prompt.
    assert not window.generate_button.isEnabled()
    assert window.generate_button.toolTip().startswith("Cannot generate yet:\nPrompt:")
    prompt_error = window.findChild(QLabel, "promptError")  # made on the prompt's first problem
    assert prompt_error is None or not prompt_error.isVisible()
    assert not window.cancel_action.isEnabled()  # nothing to cancel: the menu entry is off
    assert window.tabs.tabText(1).replace("&", "") == "Library"
    for button in window.findChildren(QPushButton):
        if button.isVisibleTo(window):
            assert button.accessibleName() or button.text(), button.objectName()


def test_generate_shows_images_saved_to_library(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.NUM_IMAGES, 3)
    job = generate(qtbot, window)
    assert job.state is JobState.DONE
    cards = window.result_view.cards()
    assert len(cards) == 3
    seed = job.output.result.seed
    assert all(card.seed == seed for card in cards)
    assert f"Seed {seed}" in window.result_view.meta.full_text()
    # One seed per batch (the API's): each card says which image of the batch it is.
    wide = lambda text: 0  # noqa: E731 (room for the whole caption)
    assert [c.caption_text(wide, 500).split("   ·   ")[0] for c in cards] == [
        f"Seed {seed} · {i} of 3" for i in (1, 2, 3)
    ]
    assert "3 images with it give this batch again" in cards[1].toolTip()
    # One time everywhere: header, job list and status bar.
    took = f"{job.elapsed:.1f} s"
    assert took in window.result_view.meta.full_text() and window.elapsed_label.text() == took
    assert took in window.job_model.index(0, 0).data()
    for card in cards:
        assert card.path.is_file() and ctx.library_root in card.path.parents
    assert window.form_panel.reuse_seed.isEnabled()
    assert "a red fox in snow" in ctx.settings.prompt_history


def test_ctrl_return_generates_and_autosave_off(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.auto_save = False
    qtbot.keyClicks(window.form_panel.prompt, "ctrl return")
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(window.form_panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    path = blocker.args[0].output.images[0].saved.path
    assert ctx.paths.unsaved_results in path.parents
    assert window.form.value(F.PROMPT) == "ctrl return"  # no newline typed


def test_viewer_zoom_fit_actual(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    generate(qtbot, window)
    card = window.result_view.cards()[0]
    qtbot.mouseDClick(card, Qt.MouseButton.LeftButton)
    viewer = window.viewer
    assert viewer is not None
    qtbot.waitExposed(viewer)
    v = viewer.viewer
    assert v.mode == FIT and v.scale_factor == pytest.approx(v.fit_scale())
    w, h = card.decoded.saved.width, card.decoded.saved.height
    assert f"{w} × {h} px" in viewer.size_label.text()
    viewer.actual_action.trigger()
    assert v.scale_factor == pytest.approx(1.0) and "100%" in viewer.size_label.text()
    viewer.zoom_in_action.trigger()
    assert v.scale_factor == pytest.approx(1.25)
    for _ in range(40):
        v.zoom_in()
    assert v.scale_factor == pytest.approx(MAX_SCALE)
    viewer.fit_action.trigger()
    viewer.resize(700, 500)
    qtbot.waitUntil(lambda: v.scale_factor == pytest.approx(v.fit_scale()))
    viewer.close()


def test_save_copy_and_reuse(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.SIZE, F.CUSTOM_SIZE)
    window.form.set_value(F.WIDTH, 768)
    window.form.set_value(F.HEIGHT, 512)
    job = generate(qtbot, window, "Ein Fuchs, im Schnee!")
    card = window.result_view.cards()[0]
    name = window.result_view.suggested_name(card)
    assert name == f"ein-fuchs-im-schnee-{job.output.result.seed}.{card.path.suffix.lstrip('.')}"
    target = tmp_path / name
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.save_action.trigger()
    assert target.read_bytes() == card.path.read_bytes()  # the original bytes
    window.files.copy_image()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasUrls() and mime.urls()[0].toLocalFile() == str(card.path)
    drag = card.mime_data()
    assert drag.hasImage() and drag.urls()[0].toLocalFile() == str(card.path)
    window.form.set_value(F.PROMPT, "something else")
    window.form.set_value(F.SIZE, "square")
    window.reuse_action.trigger()
    assert window.form.value(F.PROMPT) == "Ein Fuchs, im Schnee!"
    assert window.form.request is not None
    assert window.form.request.dimensions == (768, 512)
    assert window.form.request.seed == job.output.result.seed


def test_queue_two_jobs_and_cancel(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    ctx.sandbox.inference_delay = 0.6
    window.form.set_value(F.PROMPT, "first")
    first = window.generate()
    window.form.set_value(F.PROMPT, "second")
    second = window.generate()
    window.form.set_value(F.PROMPT, "third")
    third = window.generate()
    assert first.state is JobState.RUNNING and second.state is JobState.QUEUED
    jobs: QListView = window.findChild(QListView, "jobList")
    assert jobs.model().rowCount() == 3
    assert "Queued" in jobs.model().index(0, 0).data()
    # The running job is the selected one, so "Cancel job" is for it (as Esc is).
    assert window.job_status.selected_job() is first and window.cancel_job_button.isEnabled()
    assert window.cancel_action.isEnabled()
    # Cancel the queued third job from the list, and the running first with Esc.
    window.job_list.setCurrentIndex(window.job_model.index(0))
    qtbot.mouseClick(window.cancel_job_button, Qt.MouseButton.LeftButton)
    assert third.state is JobState.CANCELLED
    qtbot.waitUntil(lambda: "Running" in window.job_model.index(2, 0).data())
    window.activateWindow()
    qtbot.keyClick(window.form_panel.prompt, Qt.Key.Key_Escape)
    assert first.state is JobState.CANCELLED
    assert second.state is JobState.RUNNING
    qtbot.waitUntil(lambda: second.state is JobState.DONE, timeout=TIMEOUT)
    assert window.result_view.result is not None and window.result_view.result.request.prompt == "second"
    assert first.output is None
    # A cancelled job can be retried with one click.
    window.job_list.setCurrentIndex(window.job_model.index(window.job_model.row_of(first)))
    assert window.retry_button.isEnabled()
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT):
        qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    ("fault", "opts", "title", "action"),
    [
        ("unauthorized", {}, "API key rejected", Action.OPEN_SETTINGS),
        ("rate_limit", {"retry_after": 120}, "Rate limited", Action.RETRY),
        ("server_error", {}, "The API had a problem", Action.RETRY),
        ("drop_connection", {}, "Connection lost after sending", Action.RETRY),
    ],
)
def test_error_paths_show_a_message_not_a_dialog(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext, fault: str, opts: dict, title: str | None, action: Action
) -> None:
    assert ctx.sandbox is not None
    ctx.sandbox.inject(fault, count=10, **opts)
    qtbot.keyClicks(window.form_panel.prompt, "will fail")
    with qtbot.waitSignal(window.queue.job_failed, timeout=TIMEOUT) as blocker:
        window.generate_button.click()
    job = blocker.args[0]
    bar = window.message_bar
    assert bar.isVisible() and QApplication.activeModalWidget() is None
    assert bar.message is not None and bar.message.action is action
    if title:
        assert bar.title.text() == title
    if fault == "rate_limit":
        assert "120 s" in bar.text.text()
        assert not bar.primary.isEnabled() and "in 1" in bar.primary.text()  # countdown shown
    assert "Failed" in window.job_model.index(0, 0).data()
    assert "Traceback" not in bar.text.text() and "`" not in bar.text.text()
    if action is Action.RETRY and fault != "rate_limit":
        window.job_list.setCurrentIndex(window.job_model.index(0))
        assert window.retry_button.isEnabled() and job.state is JobState.FAILED


def test_offline(qtbot, window: MainWindow, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    from fluxdesk.core.generation.client import ApiClient, ClientConfig

    # A loopback port nothing listens on: connection refused, as when offline.
    closed = ClientConfig(base_url="http://127.0.0.1:9", api_key="k", connect_timeout=1, read_timeout=1)
    monkeypatch.setattr(ctx, "make_client", lambda: ApiClient(closed))
    qtbot.keyClicks(window.form_panel.prompt, "offline")
    with qtbot.waitSignal(window.queue.job_failed, timeout=TIMEOUT):
        window.generate_button.click()
    assert window.message_bar.title.text() == "Connection refused"
    assert window.message_bar.primary.text() == "Retry"


def test_server_validation_422(qtbot, window: MainWindow, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = GenerationRequest.to_api_json
    monkeypatch.setattr(GenerationRequest, "to_api_json", lambda self: {**original(self), "num_images": 99})
    qtbot.keyClicks(window.form_panel.prompt, "refused")
    with qtbot.waitSignal(window.queue.job_failed, timeout=TIMEOUT):
        window.generate_button.click()
    assert window.message_bar.title.text() == "The server refused the request"
    assert "Images" in window.message_bar.text.text() or "num_images" in window.message_bar.text.text()


def test_last_settings_and_history_restored(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.STEPS, 12)
    generate(qtbot, window, "first prompt")
    generate(qtbot, window, "second prompt")
    window.resize(1111, 707)
    window.splitter.setSizes([420, 691])
    window.close()
    settings = Settings.load(ctx.paths.settings_file)
    assert settings.prompt_history[:2] == ["second prompt", "first prompt"]
    ctx2 = AppContext(paths=ctx.paths, settings=settings, sandbox=ctx.sandbox)
    again = MainWindow(ctx2, check_key=False)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (1111, 707)  # geometry and splitter restored
    assert again.splitter.sizes()[0] == 420
    assert again.form.value(F.PROMPT) == "second prompt"
    assert again.form_panel.steps_spin.value() == 12
    # Up on the first line walks back through the history; Down comes back to the draft.
    again.form.set_value(F.PROMPT, "draft")
    again.form_panel.prompt.setFocus()
    qtbot.keyClick(again.form_panel.prompt, Qt.Key.Key_Up)
    assert again.form.value(F.PROMPT) == "second prompt"
    qtbot.keyClick(again.form_panel.prompt, Qt.Key.Key_Up)
    assert again.form.value(F.PROMPT) == "first prompt"
    qtbot.keyClick(again.form_panel.prompt, Qt.Key.Key_Down)
    qtbot.keyClick(again.form_panel.prompt, Qt.Key.Key_Down)
    assert again.form.value(F.PROMPT) == "draft"
    again.close()


def test_mangled_window_state_is_ignored(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.ui_state = {"geometry": "not base64!", "splitter": "AAAA"}
    win = MainWindow(ctx, check_key=False)
    qtbot.addWidget(win)
    assert (win.width(), win.height()) == (1280, 820)  # the default size


def test_first_run_without_key_offers_sandbox(qtbot, qapp, fd_home: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = AppContext.create(use_sandbox=False)
    win = MainWindow(ctx, use_sandbox=False, check_key=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=5000)  # the message bar is built after the first frame
    qtbot.waitUntil(lambda: win.message_bar.isVisible(), timeout=5000)
    assert win.message_bar.title.text() == "Welcome to FluxDesk"
    assert win.message_bar.secondary.text() == "Try the sandbox"
    win.message_bar.secondary.click()
    assert win.use_sandbox and "Sandbox" in win.mode_label.text()
    qtbot.keyClicks(win.form_panel.prompt, "sandbox now")
    assert win.generate_button.isEnabled(), win.form.problems
    outcome: list[object] = []
    win.image_saved.connect(lambda job: outcome.append("saved"))
    win.queue.job_failed.connect(lambda job: outcome.append(job.error))
    win.generate_button.click()
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    assert outcome == ["saved"], [job.state for job in win.queue.jobs]
    win.queue.shutdown()
    ctx.close()


def _settle(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Let the Library tab's background work (opened right after the first frame) finish
    before the window goes: its results are delivered to the gallery's widgets."""
    with qtbot.waitSignal(win.gallery_view.rescanned, timeout=10_000):
        pass


def test_first_frame_then_the_rest(qtbot, qapp, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    assert not win.built  # only the first frame's parts so far
    for name in ("promptEdit", "generateButton", "cancelButton"):
        assert win.findChild(object, name) is not None, name
    assert win.tabs.count() == 2 and win.findChild(object, "jobList") is None
    sizes: list[list[int]] = []
    win.first_frame_shown.connect(lambda: sizes.append(win.right_split.sizes()))  # before the rest
    with qtbot.waitSignal(win.first_frame_shown, timeout=5000):
        win.resize(1280, 820)
        win.show()
    assert win.built  # right after the first frame
    assert win.right_split.count() == 2 and win.right_split.widget(0) is win.result_view
    assert win.right_split.sizes() == sizes[0]  # the real parts took the placeholders' places
    for name in ("resultView", "jobList", "galleryView"):
        assert win.findChild(object, name) is not None, name
    assert win.save_action in win.menuBar().actions()[0].menu().actions()
    _settle(qtbot, win)
    win.queue.shutdown()


def test_queue_builds_the_window_on_demand(qtbot, qapp, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    assert not win.built
    assert win.queue.jobs == [] and win.built
    assert win.findChild(object, "jobList") is not None
    _settle(qtbot, win)


def test_small_window_never_clips_the_form(qtbot, qapp, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=5000)
    win.splitter.setSizes([200, 1720])  # a user drags the handle too far left
    win.resize(1024, 700)
    qtbot.waitUntil(lambda: win.width() == 1024, timeout=5000)
    from PySide6.QtWidgets import QScrollArea

    scroll = win.findChild(QScrollArea, "formScroll")
    inner = scroll.widget()
    # Every row of the form fits in the visible part of its (vertical-only) scroll area.
    assert scroll.viewport().width() >= inner.minimumSizeHint().width()


@pytest.mark.parametrize("size", [(1280, 820), (1024, 700)])
def test_the_prompt_keeps_its_height_when_problems_appear(  # type: ignore[no-untyped-def]
    qtbot, qapp, ctx: AppContext, size: tuple[int, int]
) -> None:
    """Problems shown under the fields take the form's spare room, never the prompt's
    height from under the designer's cursor."""
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=5000)
    win.form.set_value(F.PROMPT, "a fox")
    qtbot.wait(50)
    before = win.form_panel.prompt.height()
    assert before >= 150  # the prompt has room to write in at every size
    win.form.set_value(F.PROMPT, "x" * 4001)
    win.form.set_value(F.SEED, "99999999999999999999")
    win.form.set_value(F.SIZE, F.CUSTOM_SIZE)
    win.form.set_value(F.WIDTH, 1000)
    qtbot.waitUntil(lambda: len(win.form.problems) == 3, timeout=2000)
    qtbot.wait(50)
    assert win.form_panel.prompt.height() == before


def test_the_smallest_window_shows_the_whole_form_without_scrolling(qtbot, qapp, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """At 900×600 the prompt gives up the few pixels the form lacks: no scroll bar
    (which would also narrow every field out of line with the Generate row)."""
    from PySide6.QtWidgets import QScrollArea

    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=5000)
    qtbot.wait(50)
    scroll = win.findChild(QScrollArea, "formScroll")
    assert not scroll.verticalScrollBar().isVisible()
    assert win.form_panel.prompt.height() >= 150


def test_a_long_status_message_never_widens_the_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=5000)
    window.status_label.setText("Saved 4 images to the library " * 40)
    qtbot.wait(50)
    assert window.width() == 900 and window.minimumSizeHint().width() <= 900
    assert window.statusBar().minimumSizeHint().width() <= 900  # the text is cut, not demanded
    assert window.mode_label.isVisible() and window.mode_label.width() >= window.mode_label.sizeHint().width()


def test_a_window_never_exposed_still_finishes_start_up(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    frames: list[bool] = []
    win.first_frame_shown.connect(lambda: frames.append(True))
    with qtbot.waitSignal(win.started_up, timeout=3000):  # the fallback after STARTUP_FALLBACK_S
        win.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # "shown", never exposed (minimised)
        win.show()
        assert not win.built
    assert win.built and not frames


def test_closing_saves_a_note_being_typed_and_stops_library_work(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    generate(qtbot, window, "a note to keep")
    gallery = window.gallery_view
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1, timeout=TIMEOUT)
    gallery.select_ids([gallery.model.item(0).id])
    qtbot.waitUntil(lambda: gallery.details.item is not None, timeout=TIMEOUT)
    gallery.details.notes.setPlainText("warmer light")  # saved after a pause in typing…
    window.close()  # … or now
    library = window.ctx.library()
    assert [item.notes for item in library.items()] == ["warmer light"]
    assert gallery.io_pool.activeThreadCount() == 0


def _mnemonic(text: str) -> str | None:
    """The Alt+letter of a label text ("Si&ze" → "z"; "&&" is a literal ampersand)."""
    i = text.replace("&&", "").find("&")
    stripped = text.replace("&&", "")
    return stripped[i + 1].lower() if 0 <= i < len(stripped) - 1 else None


def test_alt_letters_are_unique_on_each_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Two controls sharing an Alt+letter make Alt+letter cycle between them (Qt's
    "ambiguous shortcut"), so the letter no longer does what its underline says."""
    from PySide6.QtWidgets import QAbstractButton

    window.show()
    qtbot.waitExposed(window)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        owners: dict[str, list[str]] = {}
        texts = [a.text() for a in window.menuBar().actions()]
        texts += [window.tabs.tabText(i) for i in range(window.tabs.count())]
        texts += [w.text() for w in window.findChildren(QLabel) if w.buddy() is not None and w.isVisible()]
        texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisible()]
        for text in texts:
            letter = _mnemonic(text)
            if letter:
                owners.setdefault(letter, []).append(text)
        assert {k: v for k, v in owners.items() if len(v) > 1} == {}, window.tabs.tabText(tab)


def test_no_key_is_bound_twice(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """A key on two actions (or twice on one, e.g. the standard Quit key and Ctrl+Q) is
    "ambiguous" to Qt: pressing it does nothing."""
    from PySide6.QtGui import QAction

    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        if action.shortcutContext() is not Qt.ShortcutContext.WindowShortcut:
            continue
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text}: {seen.get(text)} and {action.text()}"
            seen[text] = action.text()
    assert "Ctrl+Q" in seen
    with qtbot.waitSignal(window.quit_action.triggered, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_esc_in_library_search_clears_it_keeps_the_job(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    ctx.sandbox.inference_delay = 0.6
    window.form.set_value(F.PROMPT, "a paid job")
    job = window.generate()
    assert job is not None and job.state is JobState.RUNNING
    window.tabs.setCurrentIndex(1)
    search = window.gallery_view.search
    search.setFocus()
    qtbot.keyClicks(search, "fox")
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == "" and job.state is JobState.RUNNING
    window.tabs.setCurrentIndex(0)
    window.form_panel.prompt.setFocus()
    qtbot.keyClick(window.form_panel.prompt, Qt.Key.Key_Escape)  # elsewhere, Esc cancels
    assert job.state is JobState.CANCELLED


def test_history_is_on_disk_before_the_window_closes(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """A crash or a killed process keeps it (it used to be written on quit only)."""
    import json

    generate(qtbot, window, "kept without a clean quit")
    path = ctx.paths.settings_file
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["prompt_history"][0] == "kept without a clean quit"
    # An older copy written late never overwrites a newer one.
    older = ctx.settings_writer()
    ctx.settings.remember_prompt("newer")
    ctx.save_settings()
    older()
    assert json.loads(path.read_text(encoding="utf-8"))["prompt_history"][0] == "newer"


def test_esc_clears_the_library_search_with_no_job_running(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert not window.cancel_action.isEnabled()  # nothing to cancel: the window's Esc is off
    window.tabs.setCurrentIndex(1)
    search = window.gallery_view.search
    search.setFocus()
    qtbot.keyClicks(search, "lighthouse")
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""


@pytest.mark.subprocess
def test_the_library_follows_images_saved_by_the_command_line(
    qtbot, window: MainWindow, fd_home: Path
) -> None:  # type: ignore[no-untyped-def]
    """While the window is open, `fluxdesk generate` in another process saves an image:
    the Library shows it within a few seconds, without a rescan; Rescan shows what was
    saved while the Library was not looking."""
    import os
    import subprocess
    import sys

    window.tabs.setCurrentIndex(1)
    gallery = window.gallery_view
    qtbot.waitUntil(lambda: gallery.library is not None, timeout=10_000)
    before = gallery.model.rowCount()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env["FLUXDESK_HOME"] = str(fd_home)

    def generate(prompt: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "fluxdesk", "generate", "--sandbox", prompt],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    generate("a lighthouse saved by the command line")
    # (a liveness bound: the index is asked once a second)
    qtbot.waitUntil(lambda: gallery.model.rowCount() == before + 1, timeout=60_000)
    assert "command line" in gallery.model.item(0).prompt  # type: ignore[union-attr]
    assert gallery.count_label.text().startswith(f"{before + 1} image")

    # The start-up rescan done first, its result delivered too: on a loaded machine it
    # could end (or its result arrive) after the next image is saved, and show it.
    qtbot.waitUntil(lambda: tasks.undelivered() == 0, timeout=60_000)
    gallery.watcher.stop()  # as if the Library were not looking
    generate("an owl saved while nobody looked")
    qtbot.wait(1500)
    assert gallery.model.rowCount() == before + 1
    with qtbot.waitSignal(gallery.rescanned, timeout=60_000):
        gallery.rescan()
    assert gallery.model.rowCount() == before + 2
    assert "owl" in gallery.model.item(0).prompt  # type: ignore[union-attr]


def test_a_later_success_clears_a_failure_and_the_progress_bar_is_drawn(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext
) -> None:
    """Issue 15.4: an earlier job's "Connection dropped" bar and "Failed: …" status go when
    a later job succeeds; while the API generates, the status bar's progress shows a moving
    accent segment (Fusion drew an empty white box)."""
    from fluxdesk.ui.theme.palette import ACCENT

    assert ctx.sandbox is not None
    ctx.sandbox.inject("drop_connection")
    qtbot.keyClicks(window.form_panel.prompt, "first try")
    with qtbot.waitSignal(window.queue.job_failed, timeout=TIMEOUT):
        window.generate_button.click()
    assert window.message_bar.isVisible() and window.status_label.text().startswith("Failed")

    ctx.sandbox.inference_delay = 1.5
    job = window.generate()
    assert job is not None
    qtbot.waitUntil(lambda: window.progress.isVisible(), timeout=TIMEOUT)
    bar = window.progress

    def accent_pixels() -> int:
        image = bar.grab().toImage()
        return sum(
            1
            for x in range(0, image.width(), 2)
            for y in range(image.height())
            if image.pixelColor(x, y).blue() > 200 and image.pixelColor(x, y).red() < 120
        )

    assert ACCENT.blue() > 200
    qtbot.waitUntil(lambda: accent_pixels() > 0, timeout=TIMEOUT)  # busy: a segment moves
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT):
        pass
    assert not window.message_bar.isVisible()  # the cause is gone: so is the bar
    assert not window.status_label.text().startswith("Failed")


def test_dropping_a_plain_image_says_so_in_the_status_line(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    window.status_label.setText("Settings from another image")  # what "use settings" left
    plain = tmp_path / "photo.png"
    image = QImage(32, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("#808080"))
    assert image.save(str(plain))
    assert window.image_drop.handle(plain) is None
    assert "another image" not in window.status_label.text()
    assert window.status_label.text() == window.message_bar.title.text()


def test_the_job_list_has_an_empty_state_times_and_clear_finished(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, ctx: AppContext
) -> None:
    """Issue 15.6: an empty list says what will appear; failed and cancelled jobs say how
    long they ran; "Clear finished" takes done and cancelled jobs off, failed ones stay."""
    assert window.job_model.rowCount() == 0
    viewport = window.job_list.viewport().grab().toImage()
    colours = {
        viewport.pixel(x, y) for x in range(0, viewport.width(), 3) for y in range(0, viewport.height(), 3)
    }
    assert len(colours) > 2  # the hint text is drawn (an empty list was one flat colour)
    assert not window.clear_finished_button.isEnabled()

    assert ctx.sandbox is not None
    window.form.set_value(F.PROMPT, "done")
    with qtbot.waitSignal(window.queue.job_done, timeout=TIMEOUT):
        window.generate()
    ctx.sandbox.inject("server_error")
    window.form.set_value(F.PROMPT, "failed")
    with qtbot.waitSignal(window.queue.job_failed, timeout=TIMEOUT):
        window.generate()
    ctx.sandbox.inference_delay = 2
    window.form.set_value(F.PROMPT, "cancelled")
    running = window.generate()
    assert running is not None
    qtbot.waitUntil(lambda: running.started is not None, timeout=TIMEOUT)
    window.queue.cancel(running)
    qtbot.waitUntil(lambda: running.state is JobState.CANCELLED, timeout=TIMEOUT)
    failed = next(j for j in window.queue.jobs if j.state is JobState.FAILED)
    assert re.search(r"^Failed · \d+\.\d s · ", failed.status_text())
    assert re.search(r"^Cancelled · \d+\.\d s", running.status_text())

    assert window.clear_finished_button.isEnabled()
    window.clear_finished_button.click()
    assert [j.request.prompt for j in window.queue.jobs] == ["failed"]
    assert window.job_model.rowCount() == 1
