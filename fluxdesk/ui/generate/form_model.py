"""The form's state: raw values in, a validated request (or problems) out.

The keys are the catalogue's field names (plus the form's own split of the image size
into a preset and custom sides); validation is :func:`fluxdesk.core.request.build_request`
— the form only shows what core says, next to the field it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from fluxdesk.core import params as P
from fluxdesk.core.params import OutputFormat, SizePreset
from fluxdesk.core.request import GenerationRequest, Problem, build_request

CUSTOM_SIZE = "custom"

# Field keys of the form: the request's field names, with the image size split in two
# (the preset combo, and the custom sides).
PROMPT = P.PROMPT.field
SIZE = "size"
WIDTH = P.WIDTH.field
HEIGHT = P.HEIGHT.field
GUIDANCE = P.GUIDANCE_SCALE.field
STEPS = P.NUM_INFERENCE_STEPS.field
NUM_IMAGES = P.NUM_IMAGES.field
SEED = P.SEED.field
FORMAT = P.OUTPUT_FORMAT.field
SAFETY = P.ENABLE_SAFETY_CHECKER.field


def default_values() -> dict[str, Any]:
    """Every key's starting value, from the catalogue's defaults."""
    values: dict[str, Any] = {}
    for spec in P.FIELDS:
        if spec.kind == P.SIZE:
            values[SIZE] = spec.default.value
            values.update({side.field: side.default for side in P.SIDE_SPECS})
        elif spec is P.SEED:
            values[SEED] = ""  # a line edit's text: empty = a new random seed each time
        elif spec.kind == P.TEXT:
            values[spec.field] = ""
        elif spec.kind == P.CHOICE:
            values[spec.field] = spec.default.value
        else:
            values[spec.field] = spec.default
    return values


def typed_value(text: str) -> Any:
    """A number field's text as the model holds it: None when empty (or "Auto"), the
    number it reads as, or else the text itself (which validation then names). Never a
    value the user did not type: "99" stays 99, however far out of range."""
    stripped = text.strip()
    if not stripped or stripped.lower() == P.AUTO_TEXT.lower():
        return None
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        return float(stripped)
    except ValueError:
        return text


def _restorable(key: str, value: Any, default: Any) -> bool:
    """Whether a saved value may be restored (anything else keeps its default)."""
    spec = P.BY_FIELD.get(key)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key == SIZE:
        return value in {p.value for p in SizePreset} | {CUSTOM_SIZE}
    if spec is not None and spec.kind == P.CHOICE:
        assert spec.choices is not None
        return value in {c.value for c in spec.choices}
    if spec is not None and spec.kind in (P.WHOLE, P.NUMBER) and spec.default is None and spec is not P.SEED:
        return value is None or (number and (not spec.integer or float(value).is_integer()))
    return type(value) is type(default)


class RequestForm(QObject):
    """The form's state: raw values in, a validated request (or problems) out."""

    changed = Signal(str)  # the key that changed
    validated = Signal()  # problems/request were recomputed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values = default_values()
        self.request: GenerationRequest | None = None
        self.problems: list[Problem] = []
        self._validate()

    # --- values -----------------------------------------------------------------------
    def value(self, key: str) -> Any:
        return self._values[key]

    def set_value(self, key: str, value: Any) -> None:
        if key not in self._values:
            raise KeyError(key)
        if self._values[key] == value and type(self._values[key]) is type(value):
            return
        self._values[key] = value
        self.changed.emit(key)
        self._validate()

    def values(self) -> dict[str, Any]:
        return dict(self._values)

    def load(self, saved: Mapping[str, Any]) -> None:
        """Restore saved values; anything of the wrong type keeps its default."""
        for key, default in default_values().items():
            if key not in saved or not _restorable(key, saved[key], default):
                continue
            value = saved[key]
            spec = P.BY_FIELD.get(key)
            if value is not None and spec is not None and spec.kind == P.NUMBER:
                value = float(value)
            elif value is not None and spec is not None and spec.kind == P.WHOLE and spec is not P.SEED:
                value = int(value)
            self.set_value(key, value)

    def load_request(self, request: GenerationRequest, *, with_seed: bool = True) -> None:
        """ "Use these settings again": fill the form from a request."""
        fields = request.to_fields()
        if not with_seed:
            fields[SEED] = None
        self.load_fields(fields)

    def load_fields(self, fields: Mapping[str, Any]) -> None:
        """Fill the form from request fields in their JSON shape (``to_fields()``, a
        preset's values); a field not given keeps its value. The seed, when given: locked
        to it, or random for None."""
        size = fields.get(P.IMAGE_SIZE.field)
        if isinstance(size, Mapping):
            self.set_value(SIZE, CUSTOM_SIZE)
            self.set_value(WIDTH, size["width"])
            self.set_value(HEIGHT, size["height"])
        elif size is not None:
            self.set_value(SIZE, SizePreset(size).value)
        for spec in P.FIELDS:
            if spec.kind == P.SIZE or spec.field not in fields:
                continue
            value = fields[spec.field]
            if spec is P.SEED:
                value = str(value) if value is not None else ""
            elif isinstance(value, OutputFormat):
                value = value.value
            elif spec.kind == P.NUMBER and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            self.set_value(spec.field, value)

    # --- validation ---------------------------------------------------------------------
    def raw(self) -> dict[str, Any]:
        """The values in the shape build_request accepts. An optional number left empty
        is left to the server (or, for the seed, random); a required one left empty is a
        problem, never its default."""
        v = self._values
        raw: dict[str, Any] = {}
        for spec in P.FIELDS:
            if spec.kind == P.SIZE:
                size = v[SIZE]
                raw[spec.field] = (
                    {side.field: v[side.field] for side in P.SIDE_SPECS} if size == CUSTOM_SIZE else size
                )
                continue
            value = v[spec.field]
            optional = spec.kind in (P.WHOLE, P.NUMBER) and spec.default is None
            if optional and isinstance(value, str) and not value.strip():
                value = None
            raw[spec.field] = value
        return raw

    def _validate(self) -> None:
        self.request, self.problems = build_request(self.raw())
        self.validated.emit()

    @property
    def valid(self) -> bool:
        return self.request is not None

    def problems_for(self, key: str) -> list[str]:
        fields = {key, P.IMAGE_SIZE.field} if key == SIZE else {key}
        return [p.rule for p in self.problems if p.field in fields]  # the value is in the field
