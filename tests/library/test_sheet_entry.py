"""A contact sheet names each image of a batch (the API has one seed per batch)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fluxdesk.core.generation.results import seed_label
from fluxdesk.core.library.contact_sheet import entry_for_item
from fluxdesk.core.library.record import ImageRecord


def _item(index: int, num_images: int) -> ImageRecord:
    return ImageRecord(
        id=1,
        path=Path("x.png"),
        request={"prompt": "p", "num_images": num_images},
        seed=42,
        created="2026-11-25T10:00:00+00:00",
        width=1024,
        height=768,
        output_format="png",
        nsfw=False,
        timings={},
        file_size=1,
        favourite=False,
        rating=0,
        notes="",
        tags=(),
        model="flux-realism",
        index=index,
        app_version="",
    )


def test_seed_lines_say_which_image_of_the_batch() -> None:
    assert entry_for_item(_item(0, 1)).details[0] == "Seed 42"
    batch = [entry_for_item(_item(i, 4)).details[0] for i in (0, 1)]
    assert batch == ["Seed 42 · 1 of 4", "Seed 42 · 2 of 4"]
    assert seed_label(7) == "Seed 7" and seed_label(7, 3, 4) == "Seed 7 · 4 of 4"


def test_ratings_show_out_of_five() -> None:
    item = _item(0, 1)
    rated = replace(item, rating=2, favourite=True)
    assert entry_for_item(rated).details[-1] == "♥ ★★☆☆☆"
