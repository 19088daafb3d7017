"""What a drag of gallery tiles carries: the files' URLs (for other applications) and,
for FluxDesk's own drop targets (the project list), the images' ids in their library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QUrl

from fluxdesk.core.library.record import ImageRecord

IMAGE_IDS_MIME = "application/x-fluxdesk-image-ids"


def image_mime(items: list[ImageRecord], library_root: Path | None) -> QMimeData:
    """File URLs, plus ``library root`` and the ids on a second line (ids of another
    library, dragged from a second window on it, must not move images of this one)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(item.path)) for item in items])
    if library_root is not None:
        text = f"{library_root}\n{','.join(str(item.id) for item in items)}"
        mime.setData(IMAGE_IDS_MIME, QByteArray(text.encode()))
    return mime


def dropped_ids(mime: QMimeData | None, library_root: Path | None) -> list[int]:
    """The ids a drag from this library's gallery carries; [] for anything else."""
    if mime is None or library_root is None or not mime.hasFormat(IMAGE_IDS_MIME):
        return []
    root, _, ids = bytes(mime.data(IMAGE_IDS_MIME).data()).decode(errors="replace").partition("\n")
    if root != str(library_root):
        return []
    return [int(part) for part in ids.split(",") if part.isdigit()]
