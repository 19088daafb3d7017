"""Add the standard blocks (XMP, A1111 ``parameters``) to FluxDesk files written before
they existed. Each file is rewritten by the one writer (``metadata.rewrite_file``:
atomic, crash-safe), which copies the image data byte for byte; a file that already has
them is left alone, so running it twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.interop import containers, xmp


@dataclass
class UpgradeReport:
    """How many files got the standard blocks, already had them, or were skipped (and why)."""

    upgraded: int = 0
    current: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def needs_upgrade(path: Path) -> bool:
    """True for a FluxDesk file without the standard blocks, or with its block after IDAT."""
    data = path.read_bytes()
    kind = containers.kind_of(data)
    if kind == "png":
        chunks, _ = containers.png_chunks(data)
        kinds = [c.kind for c in chunks]
        keywords = [containers.png_keyword(c) for c in chunks]
        if xmp.PNG_KEYWORD not in keywords or "parameters" not in keywords:
            return True
        first_idat = kinds.index(b"IDAT") if b"IDAT" in kinds else len(kinds)
        return any(k is not None and i > first_idat for i, k in enumerate(keywords))
    if kind == "jpeg":
        segments, _ = containers.jpeg_segments(data)
        return not (
            any(containers.is_xmp(s) for s in segments) and any(containers.is_exif(s) for s in segments)
        )
    return False


def lacks_standard_blocks(path: Path) -> bool:
    """A cheap check (headers only, no image data read): a FluxDesk file without XMP."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            stream.seek(0)
            if head == containers.PNG_SIGNATURE:
                header = containers.png_scan(stream)
                return "fluxdesk" in header.texts and xmp.PNG_KEYWORD not in header.texts
            if head[:2] == containers.JPEG_SOI:
                _, _, apps = containers.jpeg_scan(stream)
                ours = any(s.marker == 0xEB and s.payload.startswith(b"FluxDesk\x00") for s in apps)
                return ours and not any(containers.is_xmp(s) for s in apps)
    except (OSError, ValueError):
        return False
    return False


def upgrade_file(path: Path) -> bool | None:
    """Upgrade one file: True if rewritten, False if already current, None without a
    FluxDesk block. OSError/ValueError for unreadable files."""
    from fluxdesk.core import metadata as md

    record = md.read_file(path)
    if record is None:
        return None
    if not needs_upgrade(path):
        return False
    md.rewrite_file(path, record)
    return True


def upgrade_library(
    library: Any, *, cancel: CancelToken | None = None, on_progress: Callable[[int, int], None] | None = None
) -> UpgradeReport:
    report = UpgradeReport()
    items = library.items()
    for done, item in enumerate(items):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            result = upgrade_file(Path(item.path))
        except (OSError, ValueError) as exc:
            report.skipped += 1
            report.problems.append(f"{item.path}: {getattr(exc, 'strerror', None) or exc}")
            continue
        if result is None:
            report.skipped += 1
        elif result:
            report.upgraded += 1
        else:
            report.current += 1
        if on_progress is not None:
            on_progress(done + 1, len(items))
    if report.upgraded:
        library.reindex()  # the index learns the files' new sizes and times
    return report
