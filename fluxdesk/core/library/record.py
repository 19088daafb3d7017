"""One image's stored record: the request that made it, the seed used, what came back
(size, format, NSFW flag, timings, time), and the user's review.

The file carries it (:mod:`fluxdesk.core.metadata` embeds it as a JSON document), the
library's index stores it (:mod:`fluxdesk.core.library.rows`), ``library list --json``
prints it and the window shows it. The seed is held once, in ``seed``; ``request`` holds
the other request fields, and :meth:`ImageRecord.to_request` is the one way back to a
request.

Everything read from a file is checked here, with the catalogue's bounds: a damaged or
hostile document is one ValueError naming the field, never an OverflowError, a
RecursionError or an absurd value further on (a width of 2**70 reaching SQLite, a year
that no clock can convert).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fluxdesk import __version__
from fluxdesk.core import params as P
from fluxdesk.core.params import MODEL_ID, OutputFormat
from fluxdesk.core.request import GenerationRequest, build_request

DOCUMENT_VERSION = 1  # the "fluxdesk" key of the embedded document

# Bounds of the values the catalogue has no entry for (they come from the server or the
# user's review, not from the request). Generous: they only keep a hostile file's numbers
# and lists from reaching the index or the window.
TIMINGS_MAX_ENTRIES = 32
TIMING_MAX_S = 7 * 24 * 3600.0  # a generation step longer than a week is no timing
TIMING_NAME_MAX_CHARS = 64
NAME_MAX_CHARS = 200  # model, app version, the created text
RATING_MAX = 5
PROJECT_NAME_MAX_CHARS = 80  # a project's name (issue 18): one line, shown in lists
JOB_ID_MAX_CHARS = 64  # the stack id the images of one job share
# Dates a file may carry: Unix seconds must exist for sorting and date filters.
CREATED_MIN = datetime(1970, 1, 1, tzinfo=timezone.utc)
CREATED_MAX = datetime(9999, 12, 30, tzinfo=timezone.utc)


# The seed of an imported image whose own tool named none (only ever in the index: a
# FluxDesk file always carries the seed used, 1…2**64-1). Stored exactly like the others.
UNKNOWN_SEED = 0


_FORMATS = frozenset(f.value for f in OutputFormat)


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ImageRecord:
    """Everything stored about one image (see the module's docstring).

    ``id``, ``path`` and ``file_size`` say where the library keeps it: 0, ``Path()`` and 0
    for a record not (yet) in the library.
    """

    request: Mapping[str, Any]  # the request's fields (catalogue names), without the seed
    seed: int
    model: str
    index: int  # which image of its batch, from 0
    width: int
    height: int
    output_format: str
    nsfw: bool
    timings: Mapping[str, float]
    created: str  # ISO-8601, UTC
    app_version: str
    favourite: bool = False
    rating: int = 0
    notes: str = ""
    tags: tuple[str, ...] = ()
    project: str = ""  # the project the image is in; "" for none (an image is in at most one)
    job: str = ""  # the stack id: the images of one job share it
    id: int = 0
    path: Path = field(default_factory=Path)
    file_size: int = 0

    # ------------------------------------------------------------------ views

    @property
    def prompt(self) -> str:
        return str(self.request.get("prompt", ""))

    @property
    def known_seed(self) -> int | None:
        """The seed, or None for an imported image whose tool named none (UNKNOWN_SEED)."""
        return None if self.seed == UNKNOWN_SEED else self.seed

    @property
    def params(self) -> dict[str, Any]:
        """The request's fields with the seed filled in (what the image was made with)."""
        return {**self.request, "seed": self.known_seed}

    @property
    def created_at(self) -> datetime:
        return parse_iso(self.created)

    def to_request(self, with_seed: bool = True) -> GenerationRequest:
        """The request that made this image (same seed by default), validated afresh."""
        # (An unknown seed is no seed: the request lets the server pick one, as the seed
        # rule has no value for "unknown".)
        request, problems = build_request({**self.request, "seed": self.known_seed if with_seed else None})
        if request is None:
            raise ValueError("the stored request is invalid: " + "; ".join(map(str, problems)))
        return request

    def to_json(self) -> dict[str, Any]:
        """The object ``library list --json`` prints for this image."""
        return {
            "id": self.id,
            "path": str(self.path),
            "prompt": self.prompt,
            "seed": self.known_seed,
            "created": self.created,
            "width": self.width,
            "height": self.height,
            "format": self.output_format,
            "nsfw": self.nsfw,
            "parameters": self.params,
            "favourite": self.favourite,
            "rating": self.rating,
            "notes": self.notes,
            "tags": list(self.tags),
            "project": self.project or None,
            "job": self.job or None,
        }

    # -------------------------------------------------------------- making one

    @classmethod
    def for_image(
        cls,
        request: GenerationRequest,
        *,
        seed: int,
        index: int,
        width: int,
        height: int,
        nsfw: bool = False,
        timings: Mapping[str, float] | None = None,
        created: str | None = None,
        output_format: OutputFormat | None = None,
        job: str | None = None,
    ) -> ImageRecord:
        """The record of one freshly generated image (the generation code's entry point).

        ``seed`` is the seed the server used; ``output_format`` is the format the file
        really has, when the server chose another than the request asked for.
        ``job`` is the stack id; by default one made from what the images of one job
        share (its time, seed and request), so a later "Download again" of a missing
        image joins the same stack.
        """
        created = created or utc_now_iso()
        fields = _request_fields(request)
        return cls(
            request=fields,
            seed=seed,
            model=request.model,
            index=index,
            width=width,
            height=height,
            output_format=(output_format or request.output_format).value,
            nsfw=nsfw,
            # Only what a file may hold (the server's timings are informative): a record
            # FluxDesk writes is always one it can read back.
            timings={k: float(v) for k, v in (timings or {}).items() if _timing_ok(k, v)},
            created=created,
            app_version=__version__,
            job=job if job is not None else job_id(created, seed, fields),
        )

    def with_review(
        self,
        *,
        favourite: bool | None = None,
        rating: int | None = None,
        notes: str | None = None,
        tags: tuple[str, ...] | list[str] | None = None,
        project: str | None = None,
    ) -> ImageRecord:
        updated = replace(
            self,
            project=self.project if project is None else check_project_name(project, allow_none=True),
            favourite=self.favourite if favourite is None else favourite,
            rating=self.rating if rating is None else rating,
            notes=self.notes if notes is None else notes,
            tags=self.tags if tags is None else normalize_tags(tags),
        )
        _check_review(updated.favourite, updated.rating, updated.notes, updated.tags)
        return updated

    def at(self, *, id: int, path: Path, file_size: int) -> ImageRecord:
        """This record where the library keeps it."""
        return replace(self, id=id, path=path, file_size=file_size)

    # ------------------------------------------------------ the file's document

    def to_document(self) -> dict[str, Any]:
        """The JSON document embedded in the image file."""
        return {
            "fluxdesk": DOCUMENT_VERSION,
            "app_version": self.app_version,
            "created": self.created,
            "model": self.model,
            "seed": self.seed,
            "index": self.index,
            "width": self.width,
            "height": self.height,
            "output_format": self.output_format,
            "nsfw": self.nsfw,
            "timings": dict(self.timings),
            "request": dict(self.request),
            "favourite": self.favourite,
            "rating": self.rating,
            "notes": self.notes,
            "tags": list(self.tags),
            # Written only when set: files of older versions (and images in no project)
            # stay byte-identical in their block.
            **({"project": self.project} if self.project else {}),
            **({"job": self.job} if self.job else {}),
        }

    def dumps(self) -> bytes:
        return json.dumps(self.to_document(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_document(cls, data: Any) -> ImageRecord:
        """Check a document read from a file; the review may be missing, anything else
        out of place or out of bounds is a ValueError naming the field."""
        if not isinstance(data, Mapping):
            raise ValueError("metadata: not a JSON object")
        seed = _whole(data, "seed", P.SEED_MIN, P.SEED_MAX)
        raw_request = data.get("request")
        if not isinstance(raw_request, Mapping) or not isinstance(raw_request.get("prompt"), str):
            raise ValueError("metadata: 'request' must be an object with a 'prompt'")
        prompt = raw_request["prompt"]
        if len(prompt) > P.PROMPT_MAX_CHARS:
            raise ValueError(f"metadata: the prompt has more than {P.PROMPT_MAX_CHARS} characters")
        # Older files also carry the seed inside the request: the top-level one is the
        # seed used (the files were written that way), so it wins. The prompt is kept as
        # it is (a stored one may hold control characters, which a new request may not:
        # every output escapes them), so the other fields are checked beside a plain one.
        raw = {key: value for key, value in raw_request.items() if key not in ("seed", "model")}
        request, problems = build_request({**raw, "prompt": "-", "seed": seed}, strict_types=True)
        if request is None:
            raise ValueError("metadata: request: " + "; ".join(map(str, problems)))
        output_format = _text(data, "output_format").lower()
        if output_format not in _FORMATS:
            raise ValueError(f"metadata: unknown output_format {output_format[:20]!r}")
        nsfw = data.get("nsfw", False)
        if not isinstance(nsfw, bool):
            raise ValueError("metadata: 'nsfw' must be true or false")
        created = _created(data)
        tags_raw = data.get("tags", [])
        if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
            raise ValueError("metadata: 'tags' must be a list of strings")
        tags = normalize_tags(tags_raw)
        favourite, rating, notes = data.get("favourite", False), data.get("rating", 0), data.get("notes", "")
        _check_review(favourite, rating, notes, tags)
        project = data.get("project", "")
        if not isinstance(project, str):
            raise ValueError("metadata: 'project' must be a text")
        project = check_project_name(project, allow_none=True, where="metadata: 'project'")
        job = data.get("job", "")
        if not isinstance(job, str) or len(job) > JOB_ID_MAX_CHARS or not job.isprintable():
            raise ValueError(f"metadata: 'job' must be a text of at most {JOB_ID_MAX_CHARS} characters")
        return cls(
            request={**_request_fields(request), "prompt": prompt},
            seed=seed,
            model=_text(data, "model", MODEL_ID),
            index=_whole(data, "index", 0, int(P.NUM_IMAGES.maximum) - 1),
            width=_whole(data, "width", 1, P.SIDE_MAX),
            height=_whole(data, "height", 1, P.SIDE_MAX),
            output_format=output_format,
            nsfw=nsfw,
            timings=_timings(data.get("timings", {})),
            created=created,
            app_version=_text(data, "app_version", ""),
            favourite=favourite,
            rating=rating,
            notes=notes,
            tags=tags,
            project=project,
            job=job,
        )


def job_id(created: str, seed: int, request: Mapping[str, Any]) -> str:
    """The stack id of a job: what its images share (time, seed, request), hashed."""
    import hashlib

    text = json.dumps([created, seed, dict(request)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_project_name(name: str, *, allow_none: bool = False, where: str = "project name") -> str:
    """A project's name, trimmed, or ValueError naming the rule; "" only with ``allow_none``."""
    text = " ".join(name.split())
    if not text:
        if allow_none:
            return ""
        raise ValueError(f"{where}: must not be empty")
    if len(text) > PROJECT_NAME_MAX_CHARS or not text.isprintable():
        raise ValueError(
            f"{where}: must be 1 to {PROJECT_NAME_MAX_CHARS} printable characters (got {name[:40]!r})"
        )
    if text.casefold() == "none":
        raise ValueError(f"{where}: 'none' is reserved (it means no project)")
    return text


def _request_fields(request: GenerationRequest) -> dict[str, Any]:
    fields = request.to_fields()
    del fields["seed"]  # the record holds the seed once, in its own field
    return fields


def normalize_tags(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Trimmed, non-empty, de-duplicated (first spelling wins, case-insensitive), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)


def parse_iso(text: str) -> datetime:
    """ISO-8601 to an aware UTC datetime; naive means UTC; 'Z' accepted (3.10 lacks it).

    ValueError for anything else, also for a time that cannot be converted to UTC (year 1
    with a positive offset would be an OverflowError).
    """
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"metadata: 'created' is not an ISO-8601 time: {text[:40]!r}") from exc


def _created(data: Mapping[str, Any]) -> str:
    text = _text(data, "created")
    if not CREATED_MIN <= parse_iso(text) <= CREATED_MAX:
        raise ValueError(f"metadata: 'created' must be a time from 1970 to 9999 (got {text[:40]!r})")
    return text


def _check_review(favourite: Any, rating: Any, notes: Any, tags: Any) -> None:
    if not isinstance(favourite, bool):
        raise ValueError("metadata: 'favourite' must be true or false")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= RATING_MAX:
        raise ValueError(f"metadata: 'rating' must be a whole number from 0 to {RATING_MAX} (got {rating!r})")
    if not isinstance(notes, str):
        raise ValueError("metadata: 'notes' must be a string")
    if not isinstance(tags, tuple) or not all(isinstance(t, str) for t in tags):
        raise ValueError("metadata: 'tags' must be strings")


def _whole(data: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = f"a number of {value.bit_length()} bits" if isinstance(value, int) else repr(value)[:40]
        raise ValueError(f"metadata: {key!r} must be a whole number from {low} to {high} (got {shown})")
    return value


def _text(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or len(value) > NAME_MAX_CHARS:
        raise ValueError(f"metadata: {key!r} must be a text of at most {NAME_MAX_CHARS} characters")
    return value


def _timing_ok(name: Any, value: Any) -> bool:
    # Compared before float(): float() of a huge integer raises OverflowError.
    return (
        isinstance(name, str)
        and len(name) <= TIMING_NAME_MAX_CHARS
        and not isinstance(value, bool)
        and isinstance(value, int | float)
        and 0 <= value <= TIMING_MAX_S  # (False for NaN)
    )


def _timings(raw: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping) or len(raw) > TIMINGS_MAX_ENTRIES:
        raise ValueError(f"metadata: 'timings' must be an object of at most {TIMINGS_MAX_ENTRIES} numbers")
    for key, value in raw.items():
        if not _timing_ok(key, value):
            raise ValueError(
                f"metadata: timing {str(key)[:TIMING_NAME_MAX_CHARS]!r} must be a number of seconds "
                f"from 0 to {TIMING_MAX_S:g}"
            )
    return {key: float(value) for key, value in raw.items()}
