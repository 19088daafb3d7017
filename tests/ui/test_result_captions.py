"""The caption under each result image shows the whole seed (and which image of the batch
it is) at every window size from the minimum up: a seed cut to "Seed 92233720368…" can
no longer be read or typed back in, which is what the caption is for."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from fluxdesk.core.params import SEED_MAX
from fluxdesk.ui import form as F
from fluxdesk.ui.main_window import MainWindow

# (900, 600) is the window's minimum size: there the cards are narrowest (height-bound).
SIZES = ((900, 600), (900, 820), (1280, 820), (1920, 1080))


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_captions_show_the_whole_seed_at_every_size(qtbot, window: MainWindow, count: int) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure, waves, 35mm")
    window.form.set_value(F.NUM_IMAGES, count)
    window.form.set_value(F.SEED, str(SEED_MAX))  # the longest seed: 19 digits
    with qtbot.waitSignal(window.image_saved, timeout=15_000) as blocker:
        window.generate()
    assert blocker.args[0].output.result.seed == SEED_MAX
    view = window.result_view
    for width, height in SIZES:
        window.resize(width, height)
        qtbot.waitUntil(lambda: window.size().toTuple() == (width, height), timeout=3000)  # noqa: B023
        qtbot.wait(30)  # the grid lays the cards out on its resize
        cards = view.cards()
        assert len(cards) == count
        for card in cards:
            where = f"{width}×{height}, image {card.index + 1} of {count}"
            metrics = card.fontMetrics()
            # What the card paints: its caption for its own width and font, line by line.
            lines = card.caption_text(metrics.horizontalAdvance, card.width()).split("\n")
            text = " ".join(lines)
            assert str(SEED_MAX) in lines[0], where  # the digits whole, on one line
            if count > 1:
                assert f"{card.index + 1} of {count}" in text, where
            for line in lines:
                # Each line fits the card, so the painter draws it as it is (no "…").
                assert metrics.horizontalAdvance(line) <= card.width(), (where, line)
            # The lines fit under the image, inside the card, and the card inside the canvas.
            below_image = card.height() - card.image_rect().bottom() - 1
            assert below_image >= len(lines) * metrics.lineSpacing(), where
            assert view.grid.rect().contains(card.geometry()), where
            assert card.image_rect().height() > 40, where  # still a picture, not a sliver
        for a in cards:
            for b in cards:
                assert a is b or not a.geometry().intersects(b.geometry())
        if width >= 1280:
            # The result toolbar keeps its words beside the header (checked at the default size).
            assert not view.compact and view.view_button.text() == "View"


def test_a_cards_menu_copies_its_seed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.PROMPT, "a red fox in snow")
    window.form.set_value(F.SEED, str(SEED_MAX))
    with qtbot.waitSignal(window.image_saved, timeout=15_000):
        window.generate()
    card = window.result_view.cards()[0]
    card.context_requested.emit(card, card.mapToGlobal(card.rect().center()))
    menu = window.result_view.findChildren(QMenu)[-1]
    QGuiApplication.clipboard().clear()
    next(a for a in menu.actions() if a.text() == "Copy seed").trigger()
    menu.close()
    assert QGuiApplication.clipboard().text() == str(SEED_MAX)
