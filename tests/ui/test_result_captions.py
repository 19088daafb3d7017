"""The caption under each result image shows the whole seed (and which image of the batch
it is) at every window size from the minimum up: a seed cut to "Seed 92233720368…" can
no longer be read or typed back in, which is what the caption is for."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QMenu

from fluxdesk.core.context import AppContext
from fluxdesk.core.params import SEED_MAX
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow

# (900, 600) is the window's minimum size: there the cards are narrowest (height-bound).
SIZES = ((900, 600), (900, 820), (1280, 820), (1920, 1080))


@pytest.fixture
def ctx(fake_ctx: AppContext) -> AppContext:
    """Jobs run on the in-process fake: these tests are about the results' layout."""
    return fake_ctx


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_captions_show_the_whole_seed_at_every_size(qtbot, window: MainWindow, count: int) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure, waves, 35mm")
    window.form.set_value(F.NUM_IMAGES, count)
    window.form.set_value(F.SEED, str(SEED_MAX))  # the longest seed: 20 digits
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
    # The window's own actions (one source of their words and keys), keys shown.
    actions = [a for a in menu.actions() if not a.isSeparator()]
    for own in (window.view_action, window.save_action, window.copy_action, window.reuse_action):
        assert own in actions and own.isShortcutVisibleInContextMenu()
    assert window.save_action.shortcut().toString() and window.reuse_action.shortcut().toString()
    QGuiApplication.clipboard().clear()
    next(a for a in menu.actions() if a.text() == "Copy seed").trigger()
    menu.close()
    assert QGuiApplication.clipboard().text() == str(SEED_MAX)
    # Said where "Copy image" says it: a silent copy leaves one wondering whether it worked.
    assert window.status_label.text() == f"Seed {SEED_MAX} copied to the clipboard"


def _image_widths(qtbot, window: MainWindow, count: int, seed: int, size: tuple[int, int]) -> list[int]:  # type: ignore[no-untyped-def]
    """The widths of the images of a ``count``-image batch with ``seed`` in a window of
    ``size`` whose jobs pane is dragged up as far as it goes: the results area at its
    minimum height. Checks that every caption has the seed whole and is not cut."""
    window.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure, waves, 35mm")
    window.form.set_value(F.NUM_IMAGES, count)
    window.form.set_value(F.SEED, str(seed))
    with qtbot.waitSignal(window.image_saved, timeout=15_000):
        window.generate()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=3000)
    window.right_split.setSizes([0, 10_000])  # (the splitter keeps each side's minimum)
    grid = window.result_view.grid
    qtbot.waitUntil(lambda: grid.height() == grid.minimumHeight(), timeout=3000)
    qtbot.wait(30)
    cards = window.result_view.cards()
    assert len(cards) == count
    where = f"{size}, seed {seed}, {count} images"
    for card in cards:
        lines = card.caption_lines()
        assert str(seed) in lines[0], where  # the digits whole, on one line
        assert f"{card.index + 1} of {count}" in " ".join(lines), where
        for line in lines:
            # In the font the card paints the line in (smaller only as a last resort), it
            # fits the card: drawn whole, never cut at the card's edges.
            painted = QFontMetrics(card.caption_font(line))
            assert painted.horizontalAdvance(line) <= card.width(), (where, line)
        below_image = card.height() - card.image_rect().bottom() - 1
        assert below_image >= len(lines) * card.fontMetrics().lineSpacing(), where
        assert grid.rect().contains(card.geometry()), where
    return [card.image_rect().width() for card in cards]


@pytest.mark.parametrize("size", [(900, 600), (1024, 700)])
@pytest.mark.parametrize("count", [3, 4])
def test_a_long_seed_never_shrinks_the_images_to_thumbnails(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, count: int, size: tuple[int, int]
) -> None:
    """The images come first: in a short results area a 19-digit seed once chose two rows
    of 6–24 px images under whole one-line captions, where a short seed gets one row of
    ~120 px images. The long seed may take a narrower caption form (or a smaller font),
    never most of the images' size."""
    short = _image_widths(qtbot, window, count, 1234, size)
    long = _image_widths(qtbot, window, count, SEED_MAX, size)
    for short_width, long_width in zip(short, long, strict=True):
        assert long_width >= 0.6 * short_width, (size, count, short, long)


def test_the_selected_cards_frame_has_the_same_gap_on_every_side(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPalette

    window.form.set_value(F.PROMPT, "a red fox in snow")
    with qtbot.waitSignal(window.image_saved, timeout=15_000):
        window.generate()
    card = window.result_view.cards()[0]
    card.current = True
    card.update()
    qtbot.wait(20)
    shot = card.grab().toImage()
    highlight = card.palette().color(QPalette.ColorRole.Highlight)
    framed = [
        (x, y)
        for y in range(shot.height())
        for x in range(shot.width())
        if shot.pixelColor(x, y) == highlight
    ]
    left, right = min(x for x, _ in framed), max(x for x, _ in framed)
    top, bottom = min(y for _, y in framed), max(y for _, y in framed)
    image = card.image_rect()
    gaps = (image.left() - left, right - image.right(), image.top() - top, bottom - image.bottom())
    assert len(set(gaps)) == 1, gaps


HIDPI_CARD_CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from fluxdesk.core.context import AppContext
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.app import create_application
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.sandbox.fake import FakeClient
app = create_application()
ctx = AppContext.create()
fake = FakeClient(inference_delay=0.05)
ctx.client_factory = lambda: fake
window = MainWindow(ctx, use_sandbox=False, check_key=False)
window.resize(1280, 820)
window.show()
done = []
window.image_saved.connect(lambda job: done.append(job))
window.form.set_value(F.PROMPT, "a lighthouse at dusk")
window.form.set_value(F.SIZE, "square_hd")  # 1024 x 1024
window.generate()
while not done:
    app.processEvents()
card = window.result_view.cards()[0]
print(window.devicePixelRatioF(), card.decoded.thumb.width(), card.image_rect().width())
window.queue.shutdown(timeout_ms=5000)
ctx.close()
"""


def test_cards_are_sharp_on_a_200_percent_screen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The card's thumbnail has the screen pixels the card shows (768 logical px are 1536
    screen pixels at 200 %), up to the image's own size."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_SCALE_FACTOR="2", FLUXDESK_HOME=str(tmp_path))
    command = [sys.executable, "-c", HIDPI_CARD_CHILD]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ratio, thumb_width, card_width = done.stdout.split()[-3:]
    assert float(ratio) == 2.0
    assert int(thumb_width) == 1024  # the whole image: it is smaller than 2 x 768
    assert int(card_width) * 2 > 768  # (a card this size needed more than the old 768 px)
