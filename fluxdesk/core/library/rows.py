"""How an image's record becomes an index row and back.

Seeds run from 1 to 2**64-1 (the catalogue's seed rule) but SQLite's INTEGER is signed
64-bit, so the ``seed_shifted`` column holds ``seed - 2**63``: every seed fits exactly,
and the order of the column is the order of the seeds (sorting and comparisons in SQL
keep working).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from fluxdesk.core.library.record import ImageRecord, parse_iso

SEED_SHIFT = 2**63


def seed_column(seed: int) -> int:
    """The stored form of ``seed`` (a signed 64-bit integer)."""
    return seed - SEED_SHIFT


def seed_from_column(value: int) -> int:
    return value + SEED_SHIFT


def row_values(record: ImageRecord, rel: str, *, size: int, mtime: float) -> dict[str, Any]:
    """The columns of ``record``'s row (without the save state: see schema.UPSERT)."""
    request = record.request
    return {
        "path": rel,
        "prompt": record.prompt,
        "seed_shifted": seed_column(record.seed),
        "created": record.created,
        "created_ts": parse_iso(record.created).timestamp(),
        "width": record.width,
        "height": record.height,
        "output_format": record.output_format,
        "nsfw": int(record.nsfw),
        "guidance_scale": request.get("guidance_scale"),
        "num_inference_steps": request.get("num_inference_steps"),
        "num_images": request.get("num_images") or 1,
        "image_index": record.index,
        "model": record.model,
        "params_json": json.dumps(dict(request), ensure_ascii=False),
        "timings_json": json.dumps(dict(record.timings)),
        "app_version": record.app_version,
        "file_size": size,
        "mtime": mtime,
        "favourite": int(record.favourite),
        "rating": record.rating,
        "notes": record.notes,
        "tags": json.dumps(list(record.tags), ensure_ascii=False),
        "project": record.project,
        "job": record.job,
    }


def record_from_row(root: Path, row: sqlite3.Row) -> ImageRecord:
    """The record a row read with schema.COLUMNS holds; ``root`` is the library's folder."""
    return ImageRecord(
        id=row["id"],
        path=root / row["path"],
        request=json.loads(row["params_json"]),
        seed=seed_from_column(row["seed_shifted"]),
        created=row["created"],
        width=row["width"],
        height=row["height"],
        output_format=row["output_format"],
        nsfw=bool(row["nsfw"]),
        timings=json.loads(row["timings_json"]),
        file_size=row["file_size"],
        favourite=bool(row["favourite"]),
        rating=row["rating"],
        notes=row["notes"],
        tags=tuple(json.loads(row["tags"])),
        model=row["model"],
        index=row["image_index"],
        app_version=row["app_version"],
        project=row["project"],
        job=row["job"],
    )
