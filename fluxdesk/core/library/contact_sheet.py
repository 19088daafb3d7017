"""Contact sheets: a grid of thumbnails with prompt, seed and key parameters, as PNG or PDF.

Rendering is Pillow only (no Qt), so the CLI and the window make identical sheets and
tests can decode the output. PNG is one tall page (easy to paste into chat); PDF is
paginated A4 portrait at 150 dpi (easy to print and annotate in a review).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont, ImageOps

from fluxdesk.core import params as P
from fluxdesk.core.errors import ErrorKind, FluxDeskError, LibraryError
from fluxdesk.core.generation.results import seed_label
from fluxdesk.core.paths import new_file_mode

if TYPE_CHECKING:
    from fluxdesk.core.library.record import ImageRecord

CAPTIONED = tuple(spec for spec in P.SWEEP_SPECS if spec is not P.SEED)
DPI = 150
PAGE_WIDTH = 1240  # A4 at 150 dpi
PAGE_HEIGHT = 1754
MARGIN = 48
GUTTER = 20
TITLE_SIZE = 26
PROMPT_SIZE = 15
DETAIL_SIZE = 13
PROMPT_LINES = 3
BACKGROUND = (255, 255, 255)
INK = (24, 24, 27)
MUTED = (100, 104, 112)
BOX = (236, 238, 241)
FORMATS = {".png": "PNG", ".pdf": "PDF"}

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "DejaVuSans.ttf",  # found on Pillow's own font path on some platforms
)


class SheetFormatError(FluxDeskError):
    """The output name does not end in a format we can write (nothing was written)."""

    kind = ErrorKind.VALIDATION


@dataclass(frozen=True)
class SheetEntry:
    """One image on a contact sheet, with its prompt and a few detail lines."""

    image: Path
    prompt: str
    details: tuple[str, ...] = ()  # short lines under the prompt: seed, size, steps…


def entry_for_item(item: ImageRecord) -> SheetEntry:
    p = item.params
    parts = [f"{item.width}×{item.height}", item.output_format.upper()]
    # The parameters that change an image's look, as a sweep's cells name them (the seed
    # has a line of its own).
    parts += [spec.caption(p[spec.field]) for spec in CAPTIONED if p.get(spec.field) is not None]
    review = []
    if item.favourite:
        review.append("♥")
    if item.rating:
        review.append("★" * item.rating + "☆" * (5 - item.rating))  # out of five, visibly
    count = int(p.get("num_images") or 1)
    lines = [seed_label(item.seed, item.index, count), " · ".join(parts)]
    if review:
        lines.append(" ".join(review))
    return SheetEntry(image=item.path, prompt=item.prompt, details=tuple(lines))


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        with contextlib.suppress(OSError):
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _text_width(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> float:
    return draw.textlength(text, font=face)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
         width: float, max_lines: int) -> list[str]:  # fmt: skip
    """Greedy word wrap into at most ``max_lines``; the last line ends in … when cut."""
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _text_width(draw, trial, face) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            break
    else:
        if current:
            lines.append(current)
        return [_fit(draw, line, face, width) for line in lines]
    last = lines[-1]
    while last and _text_width(draw, last + "…", face) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return lines


def _fit(draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
         width: float) -> str:  # fmt: skip
    if _text_width(draw, line, face) <= width:
        return line
    while line and _text_width(draw, line + "…", face) > width:
        line = line[:-1]
    return line + "…"


def wrap_details(draw: ImageDraw.ImageDraw, line: str,
                 face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float) -> list[str]:  # fmt: skip
    """A "a · b · c" detail line on as many lines as it needs, broken only at the " · "
    separators (a single part too wide for the cell is cut with …)."""
    lines: list[str] = []
    current = ""
    for part in line.split(" · "):
        trial = f"{current} · {part}" if current else part
        if current and _text_width(draw, trial, face) > width:
            lines.append(current)
            current = part
        else:
            current = trial
    if current or not lines:
        lines.append(current)
    return [_fit(draw, text, face, width) for text in lines]


def _details(draw: ImageDraw.ImageDraw, entry: SheetEntry, width: float) -> list[str]:
    face = font(DETAIL_SIZE)
    return [wrapped for line in entry.details for wrapped in wrap_details(draw, line, face, width)]


@dataclass(frozen=True)
class _Grid:
    """Cell geometry of a contact sheet page, in pixels."""

    columns: int
    cell_w: int
    box_h: int
    cell_h: int
    header_h: int


def _grid(columns: int, title: str, detail_lines: int) -> _Grid:
    columns = max(1, columns)
    cell_w = (PAGE_WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) // columns
    box_h = cell_w  # square boxes: portrait and landscape images both fit
    text_h = 8 + PROMPT_LINES * (PROMPT_SIZE + 4) + detail_lines * (DETAIL_SIZE + 4)
    header_h = (TITLE_SIZE + 24) if title else 0
    return _Grid(columns, cell_w, box_h, box_h + text_h + GUTTER, header_h)


def _thumbnail(path: Path, box: tuple[int, int]) -> Image.Image | None:
    try:
        with Image.open(path) as im:
            im.draft("RGB", box)  # JPEG: decode at reduced scale, much faster
            # contain(), not thumbnail(): small images are scaled *up* to fill the box too.
            return ImageOps.contain(im.convert("RGB"), box, Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _draw_cell(page: Image.Image, entry: SheetEntry, x: int, y: int, grid: _Grid) -> None:
    draw = ImageDraw.Draw(page)
    draw.rectangle((x, y, x + grid.cell_w - 1, y + grid.box_h - 1), fill=BOX)
    thumb = _thumbnail(entry.image, (grid.cell_w, grid.box_h))
    if thumb is None:
        draw.text((x + grid.cell_w / 2, y + grid.box_h / 2), "image missing", fill=MUTED,
                  font=font(DETAIL_SIZE), anchor="mm")  # fmt: skip
    else:
        page.paste(thumb, (x + (grid.cell_w - thumb.width) // 2, y + (grid.box_h - thumb.height) // 2))
    ty = y + grid.box_h + 8
    for line in wrap(draw, entry.prompt, font(PROMPT_SIZE), grid.cell_w, PROMPT_LINES):
        draw.text((x, ty), line, fill=INK, font=font(PROMPT_SIZE))
        ty += PROMPT_SIZE + 4
    ty += 4  # right under the prompt: a one-line prompt left a two-line gap before the seed
    for line in _details(draw, entry, grid.cell_w):
        draw.text((x, ty), line, fill=MUTED, font=font(DETAIL_SIZE))
        ty += DETAIL_SIZE + 4


def render_pages(
    entries: Sequence[SheetEntry], *, title: str = "", columns: int = 4, paginate: bool = False
) -> list[Image.Image]:
    """The sheet as RGB pages: one tall page, or A4 pages when ``paginate``."""
    cell_w = _grid(columns, title, 0).cell_w
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    detail_lines = max((len(_details(measure, e, cell_w)) for e in entries), default=0)
    grid = _grid(columns, title, detail_lines)
    if paginate:
        usable = PAGE_HEIGHT - 2 * MARGIN - grid.header_h + GUTTER
        rows_per_page = max(1, usable // grid.cell_h)
    else:
        rows_per_page = max(1, math.ceil(len(entries) / grid.columns))
    per_page = rows_per_page * grid.columns
    chunks = [entries[i : i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        rows = rows_per_page if paginate else max(1, math.ceil(len(chunk) / grid.columns))
        height = PAGE_HEIGHT if paginate else 2 * MARGIN + grid.header_h + rows * grid.cell_h - GUTTER
        page = Image.new("RGB", (PAGE_WIDTH, height), BACKGROUND)
        if title:
            heading = title if len(chunks) == 1 else f"{title}  ({number}/{len(chunks)})"
            ImageDraw.Draw(page).text((MARGIN, MARGIN), heading, fill=INK, font=font(TITLE_SIZE))
        for i, entry in enumerate(chunk):
            row, col = divmod(i, grid.columns)
            x = MARGIN + col * (grid.cell_w + GUTTER)
            y = MARGIN + grid.header_h + row * grid.cell_h
            _draw_cell(page, entry, x, y, grid)
        pages.append(page)
    return pages


def sheet_format(output: Path) -> str:
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise SheetFormatError(
            f"Cannot write a contact sheet as {output.name!r}: the name must end in .png or .pdf."
        )
    return fmt


def export_sheet(
    entries: Sequence[SheetEntry], output: str | os.PathLike[str], *, title: str = "", columns: int = 4
) -> int:
    """Write the sheet to ``output`` (.png or .pdf) atomically; returns the page count."""
    target = Path(output)
    fmt = sheet_format(target)
    if not entries:
        raise LibraryError("Nothing to put on the contact sheet: no images were selected.")
    pages = render_pages(entries, title=title, columns=columns, paginate=fmt == "PDF")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            # mkstemp makes the file 0600; a sheet is for sharing, so it gets the mode any
            # new file of the user's gets (0644 under the usual umask), as "Save as" does.
            os.chmod(tmp, new_file_mode())
            with os.fdopen(fd, "wb") as out:
                if fmt == "PDF":
                    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI,
                                  title=title or "FluxDesk contact sheet")  # fmt: skip
                else:
                    pages[0].save(out, "PNG", dpi=(DPI, DPI))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise LibraryError(f"Cannot write the contact sheet {target}: {exc.strerror or exc}.") from exc
    return len(pages)
