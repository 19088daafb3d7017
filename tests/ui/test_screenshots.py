"""Screenshots of the main screens (small/large, light/dark) into ``screenshots/``.

Opt-in (``pytest --screenshots``): they are for a person's eyes. Each picture is also
checked: not blank, and its background matches the colour scheme it was taken in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.messages import user_message
from fluxdesk.ui.settings_dialog import SettingsDialog
from fluxdesk.ui.theme.palette import SCHEME_ENV, apply_theme

OUT = Path(__file__).resolve().parents[2] / "screenshots"
SIZES = {"small": (1024, 700), "large": (1920, 1080)}


@pytest.mark.screenshots
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(
    qtbot, qapp: QApplication, ctx: AppContext, scheme: str, monkeypatch, picture_check
) -> None:  # type: ignore[no-untyped-def]
    OUT.mkdir(exist_ok=True)
    monkeypatch.setenv(SCHEME_ENV, scheme)
    apply_theme(qapp)
    try:
        win = MainWindow(ctx, use_sandbox=True, check_key=False)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)

        def shot(name: str) -> None:
            for size_name, (w, h) in SIZES.items():
                win.resize(w, h)
                qtbot.wait(30)
                path = OUT / f"{name}-{size_name}-{scheme}.png"
                assert win.grab().save(str(path))
                picture_check(path, dark=scheme == "dark")

        shot("01-empty")
        win.form.set_value(F.PROMPT, "")
        win.form.set_value(F.SIZE, F.CUSTOM_SIZE)
        win.form.set_value(F.WIDTH, 1000)
        win.form.set_value(F.SEED, "99999999999999999999")
        shot("02-invalid")
        win.form.set_value(F.SIZE, "landscape_4_3")
        win.form.set_value(F.SEED, "")
        win.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure, waves, 35mm")
        win.form.set_value(F.NUM_IMAGES, 4)
        with qtbot.waitSignal(win.image_saved, timeout=20_000):
            win.generate()
        shot("03-results")
        assert ctx.sandbox is not None
        ctx.sandbox.inference_delay = 5
        win.form.set_value(F.NUM_IMAGES, 1)
        win.generate()
        win.generate()
        qtbot.wait(300)
        shot("04-running-queue")
        win.queue.cancel_running()
        win.queue.cancel_running()
        ctx.sandbox.inference_delay = 0.05
        from fluxdesk.core.errors import RateLimitedError

        win.show_message(user_message(RateLimitedError(30)), win.queue.jobs[-1])
        shot("05-message")
        win.message_bar.dismiss()
        ctx.sandbox.inject("unauthorized", count=10)
        with qtbot.waitSignal(win.queue.job_failed, timeout=20_000):
            win.generate()
        ctx.sandbox.clear_faults()
        win.message_bar.dismiss()
        win.job_list.setCurrentIndex(win.job_model.index(1))  # a cancelled row, selected
        shot("09-job-states")

        card = win.result_view.cards()[0]
        viewer = win.files.open_viewer(card)
        viewer.resize(1100, 760)
        qtbot.waitExposed(viewer)
        qtbot.wait(30)
        assert viewer.grab().save(str(OUT / f"06-viewer-fit-{scheme}.png"))
        picture_check(OUT / f"06-viewer-fit-{scheme}.png", dark=None)
        viewer.viewer.actual_size()
        assert viewer.grab().save(str(OUT / f"07-viewer-1to1-{scheme}.png"))
        picture_check(OUT / f"07-viewer-1to1-{scheme}.png", dark=None)
        viewer.close()

        dialog = SettingsDialog(ctx, win, pool=win.queue.pool)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(dialog.key_edit.isEnabled, timeout=5000)
        assert dialog.grab().save(str(OUT / f"08-settings-{scheme}.png"))
        picture_check(OUT / f"08-settings-{scheme}.png", dark=scheme == "dark")
        dialog.reject()
        win.queue.shutdown()
    finally:
        monkeypatch.setenv(SCHEME_ENV, "light")
        apply_theme(qapp)
