"""Which images to list: the filter shared by the CLI and the gallery, turned into SQL.

Search text becomes a quoted FTS5 query (every word a prefix term), with a LIKE fallback
should FTS ever refuse it; date bounds are UTC, a bare date covering its whole day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any

from fluxdesk.core.library.naming import to_utc
from fluxdesk.core.library.record import parse_iso
from fluxdesk.core.params import OutputFormat

DateLike = date | datetime | str


def bound_ts(value: DateLike, *, end: bool) -> float:
    """Filter bound in Unix seconds; a bare date covers that whole UTC day."""
    if isinstance(value, str):
        text = value.strip()
        value = date.fromisoformat(text) if len(text) == 10 else parse_iso(text)
    if isinstance(value, datetime):
        return to_utc(value).timestamp()
    start = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return (start + timedelta(days=1)).timestamp() - 1e-6 if end else start.timestamp()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Letters and digits only, like FTS5's unicode61 tokenizer ('_' separates words there too).
_WORD = re.compile(r"[^\W_]+")


def fts_query(search: str) -> str | None:
    """A safe FTS5 MATCH string: every word of the user's text as a quoted prefix term.

    Quoting makes ``AND``, ``NEAR``, ``-x``, ``col:`` and stray quotes plain words; the
    implicit AND between terms means every word must match. None when no word is left.
    """
    words = _WORD.findall(search)
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words) or None


@dataclass(frozen=True)
class ItemFilter:
    """Which images to list; None (or empty search) means "any". Shared by the CLI and the gallery."""

    search: str | None = None
    date_from: DateLike | None = None
    date_to: DateLike | None = None
    width: int | None = None
    height: int | None = None
    output_format: OutputFormat | str | None = None
    favourite: bool | None = None
    min_rating: int | None = None
    nsfw: bool | None = None
    project: str | None = None  # a project's name; "" for the images in no project
    job: str | None = None  # one stack: the images of one job (see record.job_id)

    @classmethod
    def of(cls, query: ItemFilter | str | None) -> ItemFilter:
        return query if isinstance(query, ItemFilter) else cls(search=query)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))


def search_alone(flt: ItemFilter) -> str | None:
    """The FTS5 query when search text is the filter's only condition, else None: such a
    filter is counted in the full-text index alone (see ``Library.count``)."""
    if not flt.search or any(getattr(flt, f.name) is not None for f in fields(flt) if f.name != "search"):
        return None
    return fts_query(flt.search)


def where(flt: ItemFilter, *, use_fts: bool, per_row: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (done rows only) and its arguments for ``flt``.

    ``per_row``: the search is checked row by row in the full-text index, for a query
    whose other conditions leave a handful of rows (one stack's): the usual list of every
    match costs the whole match (14 ms for a one-letter prefix at 100,000 images).
    """
    search, date_from, date_to = flt.search, flt.date_from, flt.date_to
    width, height, output_format = flt.width, flt.height, flt.output_format
    favourite, min_rating, nsfw = flt.favourite, flt.min_rating, flt.nsfw
    clauses = ["state = 'done'"]
    args: list[Any] = []
    if search and search.strip():
        query = fts_query(search) if use_fts else None
        if query is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM images_fts WHERE images_fts MATCH ? AND rowid = images.id)"
                if per_row
                else "id IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)"
            )
            args.append(query)
        else:
            for word in search.split():
                clauses.append(
                    "(prompt LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\')"
                )
                args.extend([f"%{_like_escape(word)}%"] * 3)
    if date_from is not None:
        clauses.append("created_ts >= ?")
        args.append(bound_ts(date_from, end=False))
    if date_to is not None:
        clauses.append("created_ts <= ?")
        args.append(bound_ts(date_to, end=True))
    if width is not None:
        clauses.append("width = ?")
        args.append(width)
    if height is not None:
        clauses.append("height = ?")
        args.append(height)
    if output_format is not None:
        text = str(getattr(output_format, "value", output_format)).lower()
        clauses.append("output_format = ?")
        args.append(OutputFormat("jpeg" if text == "jpg" else text).value)
    if favourite is not None:
        clauses.append("favourite = ?")
        args.append(int(favourite))
    if min_rating is not None:
        clauses.append("rating >= ?")
        args.append(min_rating)
    if nsfw is not None:
        clauses.append("nsfw = ?")
        args.append(int(nsfw))
    if flt.project is not None:
        clauses.append("project = ? COLLATE NOCASE")
        args.append(flt.project)
    if flt.job is not None:
        clauses.append("job = ?")
        args.append(flt.job)
    return " AND ".join(clauses), args
