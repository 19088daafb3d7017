"""Compare, contact sheets, parameter sweeps and drop-to-fill on a generated library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from fluxdesk.core.library import contact_sheet as cs
from fluxdesk.core.library.store import Library
from fluxdesk.core.param_diff import diff_params
from fluxdesk.core.request import GenerationRequest
from fluxdesk.core.sweep import Axis, expand, parse_values
from fluxdesk.ui.generate.image_drop import ImageDropFilter, request_from_file
from fluxdesk.ui.library.gallery import GalleryWidget

from .factory import add_image

TIMEOUT = 10_000


def test_compare_two_items_syncs_zoom_and_highlights_differences(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    a, b = gallery.model.item(0), gallery.model.item(1)
    gallery.select_ids([a.id, b.id])  # type: ignore[union-attr]
    assert gallery.compare_action.isEnabled()
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    differing = {r.key for r in dialog.rows if r.differs}
    assert {"prompt", "seed"} <= differing
    assert "model" not in differing
    row = next(i for i, r in enumerate(dialog.rows) if r.key == "seed")
    assert dialog.table.item(row, 1).font().bold()
    assert (
        not dialog.table.item(next(i for i, r in enumerate(dialog.rows) if r.key == "model"), 1).font().bold()
    )
    left, right = dialog.side_by_side.left, dialog.side_by_side.right
    left.set_zoom(2.0)
    assert right.mode == left.mode and right.scale_factor > 1
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().maximum())
    assert right.horizontalScrollBar().value() == right.horizontalScrollBar().maximum()
    dialog.set_mode(1)
    assert dialog.slider.isEnabled()
    dialog.slider.setValue(250)
    assert dialog.swipe.split == pytest.approx(0.25)
    rect = dialog.swipe.image_rect()
    qtbot.mouseClick(dialog.swipe, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert dialog.swipe.split == pytest.approx(0.5, abs=0.02) and dialog.slider.value() in range(480, 521)


def test_diff_params_orders_and_formats() -> None:
    rows = diff_params(
        {"prompt": "a", "guidance_scale": 3.5, "image_size": {"width": 768, "height": 512}, "x": 1},
        {"prompt": "a", "guidance_scale": None, "image_size": "square_hd"},
    )
    assert [r.key for r in rows] == ["prompt", "image_size", "guidance_scale", "x"]
    assert rows[1].left == "Custom (768×512)" and rows[2].right == "Auto" and not rows[0].differs


def test_contact_sheet_png_and_pdf_from_the_gallery(qtbot, gallery: GalleryWidget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = [gallery.model.item(r) for r in range(gallery.model.rowCount())]
    gallery.select_ids([i.id for i in items])  # type: ignore[union-attr]
    assert len(gallery.selected_items()) == len(items)
    png = tmp_path / "sheet.png"
    with qtbot.waitSignal(gallery.sheet_exported, timeout=TIMEOUT) as blocker:
        gallery.item_actions.export_contact_sheet(gallery.selected_items()[:6], png)
    assert blocker.args == [png, 1]
    with Image.open(png) as im:
        im.load()
        assert im.format == "PNG" and im.width == cs.PAGE_WIDTH and im.height > 600
        # A thumbnail was drawn inside the first cell (not the empty box colour).
        colours = im.crop((cs.MARGIN + 20, cs.MARGIN + 80, cs.MARGIN + 200, cs.MARGIN + 200)).getcolors(
            100000
        )
        assert colours is not None and len(colours) > 5
    pdf = tmp_path / "sheet.pdf"
    with qtbot.waitSignal(gallery.sheet_exported, timeout=TIMEOUT) as blocker:
        gallery.item_actions.export_contact_sheet(gallery.selected_items(), pdf)
    pages = blocker.args[1]
    per_page = 16  # 4 columns × 4 rows on A4 with three detail lines
    assert pages == -(-len(items) // per_page) == 2
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == pages
    # A4 at 150 dpi: 1240×1754 px = 595.2×841.92 pt.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) == pages
    assert all(abs(float(w) - 595.2) < 1 and abs(float(h) - 841.92) < 1 for w, h in boxes)


def test_contact_sheet_rejects_bad_extension_and_survives_missing_files(tmp_path: Path) -> None:
    entry = cs.SheetEntry(image=tmp_path / "gone.png", prompt="a very long prompt " * 20, details=("Seed 1",))
    with pytest.raises(cs.SheetFormatError):
        cs.export_sheet([entry], tmp_path / "sheet.gif")
    assert not (tmp_path / "sheet.gif").exists()
    assert cs.export_sheet([entry], tmp_path / "sheet.png", title="Missing") == 1
    assert not list(tmp_path.glob(".*.part"))


def test_sweep_expands_a_labelled_grid_and_runs_through_the_queue(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject

    from fluxdesk.ui.generate.generation import DecodedImage, JobOutput, JobWork
    from fluxdesk.ui.generate.jobs import JobQueue
    from fluxdesk.ui.generate.sweep_dialog import SweepDialog, SweepGridWindow

    base = GenerationRequest(prompt="a red fox in snow", seed=42, num_images=2)
    sweep = expand(
        base,
        Axis("guidance_scale", parse_values("guidance_scale", "2-5 step 1.5")),
        Axis("num_inference_steps", parse_values("num_inference_steps", "20, 30")),
    )
    assert sweep.shape == (2, 3) and len(sweep.cells) == 6
    assert {c.request.seed for c in sweep.cells} == {42} and {c.request.num_images for c in sweep.cells} == {
        1
    }
    assert sweep.cells[4].label == "steps 30 · guidance 3.5" and sweep.cells[4].request.guidance_scale == 3.5
    with pytest.raises(ValueError, match="outside"):
        parse_values("guidance_scale", "0.5, 3")

    dialog = SweepDialog(base)
    qtbot.addWidget(dialog)
    dialog.col_values.setText("2, 4")
    assert dialog.go.isEnabled() and "1 × 2" in dialog.summary.text()
    dialog.col_values.setText("2, 99")
    assert not dialog.go.isEnabled() and "outside" in dialog.summary.text()

    # A fake generation: the queue's real state machine, workers that "save" Pillow images.
    from PySide6.QtGui import QImage

    from fluxdesk.core.generation.results import GenerationResult, SavedImage

    def fake_work(request: GenerationRequest, n: int) -> JobWork:
        def work(report: object) -> JobOutput:
            path = tmp_path / f"cell{n}.png"
            Image.new("RGB", (64, 48), (40 * n % 255, 90, 160)).save(path)
            saved = SavedImage(path=path, index=0, width=64, height=48, nsfw=False, byte_size=1)
            result = GenerationResult(request, request.seed or 1, (saved,), {}, "2026-01-01T00:00:00Z", 0.1)
            image = QImage(str(path))
            return JobOutput(result, (DecodedImage(saved, thumb=image),))

        return work

    counter = iter(range(100))
    owner = QObject()
    queue = JobQueue(lambda job: fake_work(job.request, next(counter)), parent=owner)
    grid = SweepGridWindow(sweep, queue)
    qtbot.addWidget(grid)
    with qtbot.waitSignal(grid.finished, timeout=TIMEOUT):
        jobs = grid.submit()
    assert len(jobs) == 6 and all(c.path is not None for c in grid.cells)
    # In the job list each cell says what it sweeps (the prompt alone told them apart not).
    assert len({job.title() for job in jobs}) == 6
    assert all(job.title().startswith("Sweep ") and job.label in job.title() for job in jobs)
    assert "6 of 6 done" in grid.status.text()
    out = tmp_path / "sweep.png"
    assert grid.export(out) == 1
    with Image.open(out) as im:
        assert im.size[0] == cs.PAGE_WIDTH


def test_drop_an_image_fills_the_form_or_explains(qtbot, library: Library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    item = add_image(library, 50, prompt="dropped fox", guidance=7.0, steps=33, seed=777)
    request, message = request_from_file(item.path)
    assert request is not None and request.seed == 777 and request.guidance_scale == 7.0
    plain = tmp_path / "photo.png"
    Image.new("RGB", (8, 8)).save(plain)
    request, message = request_from_file(plain)
    assert request is None and "no FluxDesk metadata" in message.text and message.severity.value == "info"
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    request, message = request_from_file(text)
    assert request is None and "not a PNG or JPEG" in message.text

    target = QWidget()
    qtbot.addWidget(target)
    got: list[object] = []
    drop = ImageDropFilter(target, lambda r, m: got.append(r), lambda m: got.append(m.title))
    assert target.acceptDrops()
    # Qt routes real drops to the drag manager's current target (no drag can be faked
    # without a platform drag), so feed the filter the events it would receive.
    for path in (item.path, plain):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        args = (QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton)
        enter = QDragEnterEvent(QPoint(5, 5), *args[1:], Qt.KeyboardModifier.NoModifier)
        assert drop.eventFilter(target, enter) and enter.isAccepted()
        assert drop.eventFilter(target, QDropEvent(*args, Qt.KeyboardModifier.NoModifier))
    assert isinstance(got[0], GenerationRequest) and got[0].prompt == "dropped fox"
    assert got[1] == "No FluxDesk settings in this image"
    text_only = QMimeData()
    text_only.setText("hello")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, text_only,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    assert not drop.eventFilter(target, enter)
