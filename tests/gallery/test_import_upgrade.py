"""The Library tab's "Import images…" (another tool's image copied in byte for byte and
shown) and the one-time offer to add standard metadata to older FluxDesk files."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, PngImagePlugin

from fluxdesk.core.interop.upgrade import lacks_standard_blocks
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.interop_actions import UPGRADE_OFFERED
from tests.interop.interophelpers import make_old_style

A1111 = "a tin robot reading\nSteps: 24, Sampler: Euler a, CFG scale: 6, Seed: 4242, Size: 512x512"


def a1111_png(path: Path) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", A1111)
    Image.new("RGB", (32, 32), "teal").save(path, "PNG", pnginfo=info)
    return path


def test_import_images_adds_them_to_the_gallery(qtbot, gallery: GalleryWidget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = a1111_png(tmp_path / "robot.png")
    before = gallery.model.rowCount()
    assert gallery.import_action in gallery.more.menu().actions()
    with qtbot.waitSignal(gallery.imported, timeout=10_000) as got:
        gallery.interop_actions.import_files([source, tmp_path / "missing.png"])
    report = got.args[0]
    assert len(report.added) == 1 and report.added[0].path.read_bytes() == source.read_bytes()
    qtbot.waitUntil(lambda: gallery.model.rowCount() == before + 1, timeout=5000)
    assert (
        "1 image added" in gallery.message_bar.message.text
        and "1 skipped" in gallery.message_bar.message.text
    )
    assert report.added[0].prompt == "a tin robot reading" and report.added[0].seed == 4242


def test_upgrade_is_offered_once_and_adds_metadata(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    items = library.items()
    for item in items:
        make_old_style(item.path)
    assert all(lacks_standard_blocks(i.path) for i in items)
    gallery.ctx.settings.ui_state.pop(UPGRADE_OFFERED, None)
    gallery.interop_actions.offer_upgrade_once()
    qtbot.waitUntil(
        lambda: (
            gallery.message_bar.message is not None
            and "standard metadata" in gallery.message_bar.message.title
        ),
        timeout=10_000,
    )
    assert gallery.ctx.settings.ui_state[UPGRADE_OFFERED] == "1"
    gallery.interop_actions.upgrade()
    qtbot.waitUntil(lambda: gallery.message_bar.message.title == "Metadata added", timeout=20_000)
    assert f"{len(items)} file(s)" in gallery.message_bar.message.text
    assert not any(lacks_standard_blocks(i.path) for i in items)
    # Offered once: a second check says nothing.
    gallery.message_bar.dismiss()
    gallery.interop_actions.offer_upgrade_once()
    gallery.io_pool.waitForDone(10_000)
    qtbot.wait(50)  # the check's answer is delivered on the GUI thread
    assert gallery.message_bar.message is None


def test_no_offer_for_a_current_library(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.ctx.settings.ui_state.pop(UPGRADE_OFFERED, None)
    gallery.interop_actions.offer_upgrade_once()
    gallery.io_pool.waitForDone(10_000)
    qtbot.wait(50)  # the check's answer is delivered on the GUI thread
    assert UPGRADE_OFFERED not in gallery.ctx.settings.ui_state
