"""The line under a result's prompt ("Seed N · W × H · n images · t s") drops whole
segments from its end where it is too narrow: a value cut in the middle ("· 0…", "1024 × …")
reads as another value. The seed, first, is always shown whole; the tooltip has it all."""

from __future__ import annotations

import pytest

from fluxdesk.core.context import AppContext
from fluxdesk.core.params import SEED_MAX
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow

SEPARATOR = "  ·  "


@pytest.fixture
def ctx(fake_ctx: AppContext) -> AppContext:
    """Jobs run on the in-process fake: these tests are about the results' layout."""
    return fake_ctx


@pytest.mark.parametrize("count", [1, 4])
@pytest.mark.parametrize("seed", [1234, SEED_MAX])
def test_the_header_shows_whole_values_only(qtbot, window: MainWindow, seed: int, count: int) -> None:  # type: ignore[no-untyped-def]
    window.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure, waves, 35mm")
    window.form.set_value(F.NUM_IMAGES, count)
    window.form.set_value(F.SEED, str(seed))
    with qtbot.waitSignal(window.image_saved, timeout=15_000):
        window.generate()
    meta = window.result_view.meta
    full = meta.full_text()
    segments = full.split(SEPARATOR)
    assert segments[0] == f"Seed {seed}" and len(segments) >= 4, full
    assert meta.toolTip() == full
    for width in (900, 1024, 1280):
        size = (width, 820)
        window.resize(*size)
        qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=3000)  # noqa: B023
        qtbot.wait(30)
        shown = meta.text()
        prefixes = [SEPARATOR.join(segments[:k]) for k in range(1, len(segments) + 1)]
        assert shown in prefixes, (width, shown, full)  # whole segments, the seed at least
        # ... and drawn whole: the label is as wide as the text it shows.
        assert meta.fontMetrics().horizontalAdvance(shown) <= meta.contentsRect().width(), (width, shown)
        if shown != full:
            # The next segment would not have fitted (no value dropped for nothing).
            more = prefixes[prefixes.index(shown) + 1]
            assert meta.fontMetrics().horizontalAdvance(more) > meta.contentsRect().width(), (width, shown)
