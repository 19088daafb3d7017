"""The window with damaged library files (issue 19, item 1): the rescan shows every good
image and says how many files it skipped; dropping a damaged file on the window explains
that its settings are damaged and changes nothing."""

from __future__ import annotations

from pathlib import Path

from fluxdesk.core.library.store import Library
from fluxdesk.ui.generate.image_drop import request_from_file
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.messages import Severity
from tests.hostile.damaged import (
    ALL_DAMAGE,
    hostile_bytes,
    only_own_block,
    real_file,
    words_for,
    write_hostile_files,
)

from .conftest import COUNT

TIMEOUT = 10_000


def test_rescan_shows_the_rest_and_says_what_it_skipped(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    other = Library(library.root)  # a good image copied in by hand, next to damaged ones
    good = real_file(other, "added next to damaged files", 4242)
    other.remove(good.id, delete_file=False)  # (the file stays, unindexed)
    other.close()
    damaged = write_hostile_files(good.path, good.path.parent)
    with qtbot.waitSignal(gallery.rescanned, timeout=TIMEOUT) as blocker:
        gallery.rescan()
    report = blocker.args[0]
    assert report.added == 1 and len(report.unreadable) == len(damaged)
    qtbot.waitUntil(lambda: gallery.model.total == COUNT + 1, timeout=TIMEOUT)
    assert gallery.message_bar.isVisible()
    assert gallery.message_bar.title.text() == "Some images could not be read"
    assert f"{len(damaged)} file(s) have damaged FluxDesk metadata" in gallery.message_bar.text.text()


def test_dropping_a_damaged_file_explains_and_fills_nothing(tmp_path: Path, library: Library) -> None:
    good = real_file(library, "a red fox", 7)
    request, message = request_from_file(good.path)
    assert request is not None and request.seed == 7
    own_only = only_own_block(good.path.read_bytes())  # FluxDesk's block is its only settings
    for damage in ALL_DAMAGE:
        path = tmp_path / f"{damage}.png"
        path.write_bytes(hostile_bytes(own_only, damage))
        request, message = request_from_file(path)
        assert request is None, damage
        assert message.severity is Severity.INFO
        assert "The form was left as it was" in message.text
        assert words_for(damage) in message.text, damage
        # With the standard blocks FluxDesk also writes, those fill the form instead: the
        # damaged values never reach it.
        path.write_bytes(hostile_bytes(good.path.read_bytes(), damage))
        request, message = request_from_file(path)
        assert request is not None and request.prompt == "a red fox" and request.seed == 7, damage
