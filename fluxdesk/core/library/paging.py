"""Keyset pages of the library's order: what the gallery scrolls through at 100,000 images.

The gallery's order is newest first, a batch's images in their order:
``created_ts DESC, seed_shifted, image_index, id DESC`` (:data:`ORDER`, also ``items``').
A page continues *after the last row of the previous one* (its :class:`PageKey`) instead
of skipping an OFFSET of rows: the index range starts at that row, so the 400th page costs
what the first does, and an image added or removed meanwhile neither repeats a row nor
skips one. A page's rows are light (:class:`PageRow`: what the layout needs), the full
records of the rows on screen come from :func:`records_sql` by id.
"""

from __future__ import annotations

from typing import Any, NamedTuple

ORDER = "created_ts DESC, seed_shifted, image_index, id DESC"

# What a light row is read with: PageRow's fields in order.
PAGE_COLUMNS = "id, created_ts, width, height, seed_shifted, image_index, job"


class PageKey(NamedTuple):
    """A row's place in :data:`ORDER` (exactly as the index holds it)."""

    created_ts: float
    seed_shifted: int
    image_index: int
    id: int


class PageRow(NamedTuple):
    """What the gallery lays out a row with, and where the next page starts."""

    id: int
    created_ts: float
    width: int
    height: int
    seed_shifted: int
    image_index: int
    job: str = ""  # its stack id: the gallery shows a job's images as one tile

    @property
    def key(self) -> PageKey:
        return PageKey(self.created_ts, self.seed_shifted, self.image_index, self.id)


def after_clause(key: PageKey) -> tuple[str, list[Any]]:
    """The rows after ``key`` in :data:`ORDER`, as a WHERE clause and its arguments.

    Spelled out rather than as a row value: the order mixes directions. The leading
    ``created_ts <= ?`` starts the range read of the ``images_order`` index (schema 4) at the key.
    """
    clause = (
        "created_ts <= ? AND (created_ts < ? OR seed_shifted > ? OR (seed_shifted = ? AND "
        "(image_index > ? OR (image_index = ? AND id < ?))))"
    )
    ts, seed, index, item_id = key
    return clause, [ts, ts, seed, seed, index, index, item_id]


def records_sql(columns: str, count: int) -> str:
    """A SELECT of ``columns`` for ``count`` ids (bound as parameters)."""
    return f"SELECT {columns} FROM images WHERE id IN ({', '.join('?' * count)})"
