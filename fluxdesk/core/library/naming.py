"""Where an image lives in the library: ``YYYY/MM/DD/<UTC time>_<slug>_<seed>_<index>.<ext>``.

Dates in folder and file names are UTC, like the ``created`` field, so names never
depend on the machine's time zone or DST. A file being written is a hidden
``.name.part`` next to its final name (which also reserves that name).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.params import OutputFormat

SLUG_MAX = 40
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
PART_SUFFIX = ".part"


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """ASCII, lowercase, dash-separated, at most ``limit`` chars, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else slug[:limit]
        slug = slug[:limit].strip("-")
    return slug or "image"


def to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def file_stem(created: datetime, prompt: str, seed: int, index: int) -> str:
    """``20261125-141530_a-red-fox-in-snow_4134117142_1`` (UTC time)."""
    return f"{to_utc(created):%Y%m%d-%H%M%S}_{slugify(prompt)}_{seed}_{index}"


def day_folder(root: Path, created: datetime) -> Path:
    when = to_utc(created)
    return root / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"


def candidates(stem: str, fmt: OutputFormat) -> Iterator[str]:
    """File names to try in turn for ``stem``: the plain one, then ``-2``, ``-3``…"""
    yield f"{stem}.{fmt.extension}"
    for attempt in range(2, 10_000):
        yield f"{stem}-{attempt}.{fmt.extension}"


def temp_path_for(final: Path) -> Path:
    """The hidden file an image is written to before it is renamed to ``final``."""
    return final.with_name(f".{final.name}{PART_SUFFIX}")


def is_image_name(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() in IMAGE_SUFFIXES


def is_part_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(PART_SUFFIX)


def unique_file_name(
    folder: Path, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat | str
) -> str:
    """A file name not yet used in ``folder`` (neither as image nor as temp file).

    For plain-folder saving (no index, no reservation); the Library uses reserve_path.
    """
    fmt = OutputFormat(output_format) if isinstance(output_format, str) else output_format
    stem = file_stem(created, prompt, seed, index)
    for name in candidates(stem, fmt):
        final = folder / name
        if not final.exists() and not temp_path_for(final).exists():
            return name
    raise LibraryError(f"Cannot find a free file name for {stem} in {folder}.")
