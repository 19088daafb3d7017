"""Parameter sweeps: one base request expanded over one or two axes into a labelled grid.

A designer asks "which guidance scale?" by generating the same prompt over a few values
and comparing them side by side. Each cell is an ordinary, fully validated
:class:`GenerationRequest`, so the window submits them as normal jobs; the labels say
what differs so the grid (and its contact sheet) can be read without the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fluxdesk.core import params as P
from fluxdesk.core.params import FieldSpec
from fluxdesk.core.request import GenerationRequest, RequestInvalid

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from fluxdesk.core.generation.generate import ImageSink, SavedFile
    from fluxdesk.core.library.record import ImageRecord
    from fluxdesk.core.params import OutputFormat

MAX_CELLS = 64  # a sweep is a review aid, not a batch job: keep the bill predictable


# The parameters a sweep can vary: the catalogue's fields with sweep values.
AXES: dict[str, FieldSpec] = {spec.field: spec for spec in P.SWEEP_SPECS}


@dataclass(frozen=True)
class Axis:
    """One axis of a sweep: a parameter and the values it takes."""

    field: str
    values: tuple[float | int, ...]

    @property
    def kind(self) -> FieldSpec:
        return AXES[self.field]

    def label(self, value: float | int) -> str:
        return self.kind.caption(value)


@dataclass(frozen=True)
class SweepCell:
    """One image of a sweep: its place in the grid and its request."""

    row: int
    column: int
    label: str
    request: GenerationRequest


@dataclass(frozen=True)
class Sweep:
    """A parameter sweep: one or two axes and a request per cell."""

    rows: Axis | None
    columns: Axis
    cells: tuple[SweepCell, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows.values) if self.rows else 1, len(self.columns.values))


def parse_values(field: str, text: str) -> tuple[float | int, ...]:
    """``"2, 3.5, 5"`` or a range ``"20-40 step 10"``; ``seed`` also takes ``"random 4"``.

    ValueError with a message for the form when a value is not allowed.
    """
    if field not in AXES:
        raise ValueError(f"Cannot sweep over {field!r}; choose one of: {', '.join(AXES)}.")
    kind = AXES[field]
    words = text.replace(",", " ").split()
    if not words:
        raise ValueError(f"{kind.label}: enter at least one value.")
    if kind is P.SEED and words[0].lower() == "random":
        count = int(words[1]) if len(words) > 1 and words[1].isdigit() else 4
        return tuple(P.random_seed() for _ in range(count))
    values: list[float | int] = []
    if len(words) == 3 and words[1].lower() == "step" and "-" in words[0][1:]:
        start_text, _, end_text = words[0].partition("-")
        start, end, step = (_number(kind, t) for t in (start_text, end_text, words[2]))
        if step <= 0:
            raise ValueError(f"{kind.label}: the step must be positive.")
        value = start
        while value <= end + 1e-9 and len(values) <= MAX_CELLS:
            values.append(int(value) if kind.integer else round(value, 4))
            value += step
    else:
        values = [_number(kind, word) for word in words]
    for value in values:
        if not kind.minimum <= value <= kind.maximum:
            lo = int(kind.minimum) if kind.integer else kind.minimum
            hi = int(kind.maximum) if kind.integer else kind.maximum
            raise ValueError(f"{kind.label}: {value:g} is outside {lo}–{hi}.")
    return tuple(dict.fromkeys(values))  # drop repeats, keep order


def _number(kind: FieldSpec, text: str) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{kind.label}: {text!r} is not a number.") from None
    if kind.integer:
        if not value.is_integer():
            raise ValueError(f"{kind.label}: {text} is not a whole number.")
        return int(value)
    return value


def expand(base: GenerationRequest, columns: Axis, rows: Axis | None = None) -> Sweep:
    """Every combination as its own request (one image each), row-major."""
    if rows is not None and rows.field == columns.field:
        raise ValueError("The two axes must sweep different parameters.")
    row_values: Sequence[float | int | None] = rows.values if rows else (None,)
    total = len(row_values) * len(columns.values)
    if total > MAX_CELLS:
        raise ValueError(f"A sweep of {total} images is too big (at most {MAX_CELLS}).")
    # One image per cell, and a fixed seed unless the seed is what varies, so the
    # only difference between cells is the swept parameter.
    fixed_seed = base.seed if base.seed is not None else P.random_seed()
    cells = []
    for r, row_value in enumerate(row_values):
        for c, col_value in enumerate(columns.values):
            overrides: dict[str, Any] = {"num_images": 1, "seed": fixed_seed}
            labels = []
            for axis, value in ((rows, row_value), (columns, col_value)):
                if axis is None or value is None:
                    continue
                overrides[axis.field] = value
                labels.append(axis.label(value))
            request = replace(base, **overrides)
            problems = request.problems()
            if problems:
                raise RequestInvalid(problems)
            cells.append(SweepCell(r, c, " · ".join(labels), request))
    return Sweep(rows=rows, columns=columns, cells=tuple(cells))


def new_stack_id() -> str:
    """One stack id for every image of a sweep (its cells run as jobs of their own, and a
    job's own id is made from its time, seed and request, which differ from cell to cell)."""
    import uuid

    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class StackSink:
    """Saves into ``sink`` with every image's stack id set to ``stack`` (a sweep's cells)."""

    sink: ImageSink
    stack: str

    def reserve_path(
        self, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat
    ) -> Path:
        return self.sink.reserve_path(created, prompt, seed, index, output_format)

    def temp_path_for(self, final: Path) -> Path:
        return self.sink.temp_path_for(final)

    def commit(self, temp: Path, final: Path, record: ImageRecord) -> SavedFile:
        return self.sink.commit(temp, final, replace(record, job=self.stack))


def stacked(sink: ImageSink, stack: str) -> ImageSink:
    """``sink``, or with ``stack`` one saving every image into that stack."""
    return StackSink(sink, stack) if stack else sink
