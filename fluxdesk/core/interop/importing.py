"""Import other tools' images (and FluxDesk files from elsewhere) into the library.

Files are copied byte for byte (never re-encoded, never rewritten: no FluxDesk block is
added) and indexed with what the one reader finds in them; ``library reindex`` reads
them back the same way (``foreign_record``). Files already in the library with the same
bytes are skipped, as are images without any parameters; the originals stay where they
were. The copy keeps the original's modification time, which is also its creation
time in the index (a foreign file has no other), so a reindex gives the same row.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.interop.readers import SOURCE_NAMES, Reading, UnreadableImage, read_image
from fluxdesk.core.limits import MAX_DOWNLOAD_BYTES

IMPORT_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass
class ImportReport:
    """What an import added, and what it skipped and why."""

    added: list[Any] = field(default_factory=list)  # ImageRecords
    duplicates: list[str] = field(default_factory=list)  # paths whose bytes are in the library
    skipped: list[str] = field(default_factory=list)  # "path: reason"


def record_from_reading(reading: Reading, created: str) -> Any:
    """An ImageRecord for the index from what a foreign file says (None-free; seed 0 when
    the file names none: see UNKNOWN_SEED)."""
    from fluxdesk.core.library.record import UNKNOWN_SEED, ImageRecord
    from fluxdesk.core.params import valid_seed

    request = dict(reading.request) if reading.request else {"prompt": reading.prompt or ""}
    request.pop("model", None)
    seed = reading.seed if reading.seed is not None and valid_seed(reading.seed) else UNKNOWN_SEED
    with open(reading.path, "rb") as fh:
        kind = "png" if fh.read(8).startswith(b"\x89PNG") else "jpeg"
    return ImageRecord(
        request=request,
        seed=seed,
        model=SOURCE_NAMES.get(reading.source or "", "unknown"),
        index=0,
        width=reading.width,
        height=reading.height,
        output_format=kind,
        nsfw=False,
        timings={},
        created=created,
        app_version="",
    )


def foreign_record(path: Path) -> Any:
    """The index record of a library file without FluxDesk's block that another tool's
    parameters describe; None for an image without any (or not an image)."""
    try:
        reading = read_image(path)
        if reading.source in (None, "fluxdesk"):
            return None
        return record_from_reading(reading, _mtime_iso(path))
    except (UnreadableImage, OSError):
        return None


def _mtime_iso(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")


def image_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files given, and every PNG/JPEG under the folders given (hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name.lower().endswith(IMPORT_SUFFIXES):
                        yield Path(folder) / name
        else:
            yield path


class _LibraryHashes:
    """Content hashes of the library's files, computed only for files of a size seen."""

    def __init__(self, library: Any) -> None:
        self.by_size: dict[int, list[Path]] = {}
        for item in library.items():
            self.by_size.setdefault(item.file_size, []).append(item.path)
        self.hashes: dict[int, set[str]] = {}

    def contains(self, data: bytes) -> bool:
        size = len(data)
        if size not in self.hashes:
            self.hashes[size] = set()
            for path in self.by_size.get(size, []):
                try:
                    self.hashes[size].add(hashlib.sha256(path.read_bytes()).hexdigest())
                except OSError:
                    continue
        return hashlib.sha256(data).hexdigest() in self.hashes[size]

    def add(self, data: bytes) -> None:
        self.hashes.setdefault(len(data), set()).add(hashlib.sha256(data).hexdigest())


def import_paths(
    library: Any,
    paths: Iterable[Path],
    *,
    cancel: CancelToken | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    files = list(image_files(paths))
    known = _LibraryHashes(library)
    root = library.root.resolve()
    for done, path in enumerate(files):
        if cancel is not None:
            cancel.raise_if_cancelled()
        reason = _import_one(library, path, known, root, report)
        if reason:
            report.skipped.append(f"{path}: {reason}")
        if on_progress is not None:
            on_progress(done + 1, len(files))
    return report


def _import_one(library: Any, path: Path, known: _LibraryHashes, root: Path, report: ImportReport) -> str:
    """Import ``path``; the reason it was skipped, or "" (added or a duplicate)."""
    try:
        if root in path.resolve().parents:
            return "already in the library"
        if path.stat().st_size > MAX_DOWNLOAD_BYTES:
            return f"larger than {MAX_DOWNLOAD_BYTES // 2**20} MB"
        reading = read_image(path)
        data = path.read_bytes()
    except UnreadableImage as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if reading.source is None:
        return "no parameters FluxDesk can read"
    if known.contains(data):
        report.duplicates.append(str(path))
        return ""
    stat = path.stat()
    if reading.source == "fluxdesk":
        record = reading.record
    else:
        created = datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(timespec="seconds")
        record = record_from_reading(reading, created)
    report.added.append(_copy_in(library, data, record, stat.st_mtime))
    known.add(data)
    return ""


def _copy_in(library: Any, data: bytes, record: Any, mtime: float) -> Any:
    from fluxdesk.core.library.record import parse_iso
    from fluxdesk.core.params import OutputFormat

    created = parse_iso(record.created)
    final = library.reserve_path(
        created, record.prompt, record.seed, record.index, OutputFormat(record.output_format)
    )
    temp = library.temp_path_for(final)
    try:
        with open(temp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.utime(temp, (mtime, mtime))  # the index's creation time of a foreign file
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise LibraryError(f"Cannot write {temp}: {exc.strerror or exc}") from None
    return library.commit(temp, final, record, embed=False)
