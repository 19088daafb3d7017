"""How an image's record becomes an index row and back."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fluxdesk.core import metadata as md
from fluxdesk.core.metadata import ImageMetadata
from fluxdesk.core.request import GenerationRequest, build_request


@dataclass(frozen=True)
class LibraryItem:
    """One indexed image: its file, its parameters and the user's review."""

    id: int
    path: Path
    prompt: str
    seed: int
    created: str
    width: int
    height: int
    output_format: str
    nsfw: bool
    params: dict[str, Any]
    timings: dict[str, float]
    file_size: int
    favourite: bool
    rating: int
    notes: str
    tags: tuple[str, ...]
    model: str
    index: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "prompt": self.prompt,
            "seed": self.seed,
            "created": self.created,
            "width": self.width,
            "height": self.height,
            "format": self.output_format,
            "nsfw": self.nsfw,
            "parameters": dict(self.params),
            "favourite": self.favourite,
            "rating": self.rating,
            "notes": self.notes,
            "tags": list(self.tags),
        }

    def to_request(self, with_seed: bool = True) -> GenerationRequest:
        raw = dict(self.params)
        raw["seed"] = self.seed if with_seed else None
        request, problems = build_request(raw)
        if request is None:
            raise ValueError("stored request is invalid: " + "; ".join(map(str, problems)))
        return request


def row_values(meta: ImageMetadata, rel: str, *, size: int, mtime: float) -> dict[str, Any]:
    """The columns of ``meta``'s row (without the save state: see schema.UPSERT)."""
    request = meta.request
    return {
        "path": rel,
        "prompt": meta.prompt,
        "seed": meta.seed,
        "created": meta.created,
        "created_ts": md.parse_iso(meta.created).timestamp(),
        "width": meta.width,
        "height": meta.height,
        "output_format": meta.output_format,
        "nsfw": int(meta.nsfw),
        "guidance_scale": _opt_float(request.get("guidance_scale")),
        "num_inference_steps": _opt_int(request.get("num_inference_steps")),
        "num_images": _opt_int(request.get("num_images")) or 1,
        "image_index": meta.index,
        "model": meta.model,
        "params_json": json.dumps({**request, "seed": meta.seed}, ensure_ascii=False),
        "timings_json": json.dumps(meta.timings),
        "app_version": meta.app_version,
        "file_size": size,
        "mtime": mtime,
        "favourite": int(meta.favourite),
        "rating": meta.rating,
        "notes": meta.notes,
        "tags": json.dumps(list(meta.tags), ensure_ascii=False),
    }


def item_from_row(root: Path, row: sqlite3.Row) -> LibraryItem:
    """The item a row read with schema.COLUMNS describes; ``root`` is the library's folder."""
    return LibraryItem(
        id=row["id"],
        path=root / row["path"],
        prompt=row["prompt"],
        seed=row["seed"],
        created=row["created"],
        width=row["width"],
        height=row["height"],
        output_format=row["output_format"],
        nsfw=bool(row["nsfw"]),
        params=json.loads(row["params_json"]),
        timings=json.loads(row["timings_json"]),
        file_size=row["file_size"],
        favourite=bool(row["favourite"]),
        rating=row["rating"],
        notes=row["notes"],
        tags=tuple(json.loads(row["tags"])),
        model=row["model"],
        index=row["image_index"],
    )


def _opt_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _opt_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None
