"""Export library images: named by a template, optionally cleaned, with sidecars, into a
folder or a .zip. Nothing is ever overwritten; a cancelled export leaves nothing behind.

Template fields: ``{date}`` (YYYY-MM-DD, UTC, of creation), ``{time}`` (HHMMSS, UTC),
``{seed}``, ``{index}`` (the image's number in its batch, from 0, as in library names),
``{prompt}`` (slugged; ``{prompt:30}`` at most 30 characters), ``{width}``, ``{height}``,
``{rating}``, ``{id}``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import LibraryError

DEFAULT_TEMPLATE = "{date}_{seed}_{index}"
FIELDS = ("date", "time", "seed", "index", "prompt", "width", "height", "rating", "id")
SIDECARS = ("json", "csv")
PROMPT_DEFAULT_WIDTH = 40
_NAME_MAX = 150  # characters before the suffix and extension (room on every file system)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
CSV_COLUMNS = (
    "file",
    "id",
    "prompt",
    "seed",
    "width",
    "height",
    "guidance_scale",
    "num_inference_steps",
    "created",
    "favourite",
    "rating",
    "tags",
    "notes",
)


class TemplateError(ValueError):
    """A template with an unknown field or a malformed placeholder (one line)."""


def check_template(template: str) -> None:
    if not template.strip():
        raise TemplateError("--template must not be empty")
    for match in _PLACEHOLDER.finditer(template):
        name, _, width = match.group(1).partition(":")
        if name not in FIELDS:
            raise TemplateError(
                f"--template: unknown field {{{name}}}; fields are " + " ".join(f"{{{f}}}" for f in FIELDS)
            )
        if width and (name != "prompt" or not width.isdigit() or not 1 <= int(width) <= 120):
            raise TemplateError(
                f"--template: only {{prompt}} takes a width, 1 to 120 (got {{{match.group(1)}}})"
            )
    rest = _PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        raise TemplateError(f"--template: unmatched brace in {template!r}")


def render_name(template: str, item: Any) -> str:
    """The file stem ``template`` gives for a library item (no extension, no suffix)."""
    from fluxdesk.core.library.naming import slugify
    from fluxdesk.core.library.record import parse_iso

    try:
        created = parse_iso(item.created)
    except ValueError:
        created = datetime.fromtimestamp(0, timezone.utc)

    def value(match: re.Match[str]) -> str:
        name, _, width = match.group(1).partition(":")
        if name == "prompt":
            return slugify(item.prompt, int(width) if width else PROMPT_DEFAULT_WIDTH)
        return {
            "date": f"{created:%Y-%m-%d}",
            "time": f"{created:%H%M%S}",
            "seed": str(item.seed),
            "index": str(item.index),
            "width": str(item.width),
            "height": str(item.height),
            "rating": str(item.rating),
            "id": str(item.id),
        }[name]

    stem = _PLACEHOLDER.sub(value, template)
    # Nothing that could leave DEST or upset a file system (Windows' reserved characters).
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", stem).strip(" .")
    return stem[:_NAME_MAX] or "image"


@dataclass
class ExportOptions:
    """How to export: file-name template, clean copies (and their AI label), sidecars."""

    template: str = DEFAULT_TEMPLATE
    clean: bool = False
    ai_label: bool = True
    sidecar: str | None = None  # "json" | "csv"


@dataclass
class ExportReport:
    """Where an export went and the image file names it wrote, in order."""

    dest: Path
    files: list[str] = field(default_factory=list)  # image names, in export order


def plan(items: Sequence[Any], options: ExportOptions, taken: set[str] | None = None) -> list[str]:
    """The file names the images get: the template, then " (2)", " (3)"… on a clash
    (with each other or with ``taken``, names already in DEST)."""
    used = {n.casefold() for n in (taken or set())}
    names: list[str] = []
    for item in items:
        stem = render_name(options.template, item)
        ext = Path(item.path).suffix.lower() or ".png"
        for n in range(1, 10_000):
            name = f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}"
            sidecar = f"{Path(name).stem}.json" if options.sidecar == "json" else None
            if name.casefold() not in used and (sidecar is None or sidecar.casefold() not in used):
                break
        used.add(name.casefold())
        if options.sidecar == "json":
            used.add(f"{Path(name).stem}.json".casefold())
        names.append(name)
    return names


def copy_bytes(item: Any, options: ExportOptions) -> bytes:
    """What the exported file holds: the library file's bytes, or a clean copy of them."""
    from fluxdesk.core.interop.clean import clean_copy

    data = Path(item.path).read_bytes()
    return clean_copy(data, ai_label=options.ai_label) if options.clean else data


def record_of(item: Any) -> dict[str, Any]:
    """The full record for a sidecar: the file's own FluxDesk block, else the index's."""
    from fluxdesk.core import metadata as md

    try:
        meta = md.read_file(item.path)
    except (OSError, ValueError):
        meta = None
    record = meta.to_document() if meta is not None else dict(item.to_json())
    record.pop("path", None)
    return {"id": item.id, **record}


def csv_row(name: str, item: Any) -> dict[str, Any]:
    params = getattr(item, "params", {}) or {}
    return {
        "file": name,
        "id": item.id,
        "prompt": item.prompt,
        "seed": item.seed,
        "width": item.width,
        "height": item.height,
        "guidance_scale": params.get("guidance_scale"),
        "num_inference_steps": params.get("num_inference_steps"),
        "created": item.created,
        "favourite": item.favourite,
        "rating": item.rating,
        "tags": ", ".join(item.tags),
        "notes": item.notes,
    }


def export(
    items: Sequence[Any],
    dest: Path,
    options: ExportOptions,
    *,
    as_zip: bool = False,
    cancel: CancelToken | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the images (and sidecars) to ``dest``; LibraryError on I/O problems,
    CancelledError when cancelled (everything written so far is removed)."""
    check_template(options.template)
    cancel = cancel or CancelToken()
    writer = _ZipWriter(dest) if as_zip else _FolderWriter(dest)
    report = ExportReport(dest)
    try:
        names = plan(items, options, writer.taken())
        rows: list[dict[str, Any]] = []
        for done, (item, name) in enumerate(zip(items, names, strict=True)):
            cancel.raise_if_cancelled()
            try:
                data = copy_bytes(item, options)
            except OSError as exc:
                raise LibraryError(f"Cannot read {item.path}: {exc.strerror or exc}") from None
            except ValueError as exc:
                raise LibraryError(f"Cannot export {item.path}: {exc}") from None
            writer.add(name, data)
            if options.sidecar == "json":
                document = json.dumps(record_of(item), ensure_ascii=False, indent=1) + "\n"
                writer.add(f"{Path(name).stem}.json", document.encode("utf-8"))
            rows.append(csv_row(name, item))
            report.files.append(name)
            if on_progress is not None:
                on_progress(done + 1, len(items))
        if options.sidecar == "csv":
            writer.add(writer.free_name("index.csv"), _csv(rows))
        cancel.raise_if_cancelled()
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return report


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    table = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    table.writeheader()
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        table.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


class _FolderWriter:
    """Each file written to a temp name and linked into place (never over an existing file)."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create {dest}: {exc.strerror or exc}") from None
        if not dest.is_dir():
            raise LibraryError(f"{dest} is not a folder")
        self.written: list[Path] = []

    def taken(self) -> set[str]:
        return {p.name for p in self.dest.iterdir()}

    def free_name(self, name: str) -> str:
        stem, ext = Path(name).stem, Path(name).suffix
        n = 1
        while (self.dest / name).exists():
            n += 1
            name = f"{stem} ({n}){ext}"
        return name

    def add(self, name: str, data: bytes) -> None:
        target = self.dest / name
        try:
            fd, tmp = tempfile.mkstemp(prefix=".export.", suffix=".part", dir=self.dest)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp, 0o644)
                os.link(tmp, target)  # fails if the name was taken meanwhile: never overwrites
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        except FileExistsError:
            raise LibraryError(f"{target} appeared during the export; nothing was overwritten") from None
        except OSError as exc:
            raise LibraryError(f"Cannot write {target}: {exc.strerror or exc}") from None
        self.written.append(target)

    def finish(self) -> None:
        from fluxdesk.core.metadata import fsync_dir

        with contextlib.suppress(OSError):
            fsync_dir(self.dest)

    def abort(self) -> None:
        for path in self.written:
            with contextlib.suppress(OSError):
                path.unlink()


class _ZipWriter:
    """A .zip written to a temp file beside DEST and linked into place at the end."""

    def __init__(self, dest: Path) -> None:
        if dest.suffix.lower() != ".zip":
            raise LibraryError(f"--zip: DEST must end in .zip (got {dest.name})")
        if dest.exists():
            raise LibraryError(f"{dest} already exists; nothing was overwritten")
        self.dest = dest
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
            os.close(fd)
            self.zip = zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_STORED)
        except OSError as exc:
            raise LibraryError(f"Cannot write {dest}: {exc.strerror or exc}") from None
        self.names: set[str] = set()

    def taken(self) -> set[str]:
        return set()

    def free_name(self, name: str) -> str:
        stem, ext = Path(name).stem, Path(name).suffix
        n = 1
        while name in self.names:
            n += 1
            name = f"{stem} ({n}){ext}"
        return name

    def add(self, name: str, data: bytes) -> None:
        # Images are compressed already; sidecars are small: store everything.
        try:
            self.zip.writestr(name, data)
        except OSError as exc:
            raise LibraryError(f"Cannot write {self.dest}: {exc.strerror or exc}") from None
        self.names.add(name)

    def finish(self) -> None:
        try:
            self.zip.close()
            with open(self.tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.link(self.tmp, self.dest)
            os.unlink(self.tmp)
        except FileExistsError:
            raise LibraryError(f"{self.dest} appeared during the export; nothing was overwritten") from None
        except OSError as exc:
            raise LibraryError(f"Cannot write {self.dest}: {exc.strerror or exc}") from None

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)
