"""A small library for the bulk-action tests, written fast (files made the way the
library benchmark makes them, then one reindex), and a check that index and files agree."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

from fluxdesk.core import metadata as md
from fluxdesk.core.library.naming import file_stem
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest

START = datetime(2026, 11, 25, 18, 0, tzinfo=timezone.utc)


def build(root: Path, count: int) -> Library:
    """``count`` images, tagged "base" (every third also "red"), in no project."""
    buf = io.BytesIO()
    Image.new("RGB", (24, 18), (200, 80, 40)).save(buf, "PNG")
    base = buf.getvalue()
    for n in range(count):
        when = START - timedelta(minutes=7 * n)
        prompt = f"a fox number {n}"
        request = GenerationRequest(prompt=prompt, output_format=OutputFormat.PNG)
        meta = ImageRecord.for_image(
            request, seed=n + 1, index=0, width=1024, height=768, created=when.isoformat(timespec="seconds")
        ).with_review(rating=n % 3, tags=["base", "red"] if n % 3 == 0 else ["base"])
        folder = root / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{file_stem(when, prompt, n + 1, 0)}.png").write_bytes(md.embed(base, meta))
    library = Library(root)
    library.reindex()
    return library


def review_of(record: ImageRecord) -> tuple[bool, int, tuple[str, ...], str]:
    return (record.favourite, record.rating, tuple(record.tags), record.project)


def disagreements(library: Library) -> list[str]:
    """Every image whose index row says another review than its file (empty: consistent),
    and every row whose file is gone."""
    wrong = []
    for item in library.items():
        if not item.path.exists():
            wrong.append(f"{item.id}: file gone")
            continue
        on_disk = md.read_file(item.path)
        assert on_disk is not None
        if review_of(on_disk) != review_of(item):
            wrong.append(f"{item.id}: index {review_of(item)} file {review_of(on_disk)}")
        if item.path.stat().st_size != item.file_size:
            wrong.append(f"{item.id}: size")
    return wrong
