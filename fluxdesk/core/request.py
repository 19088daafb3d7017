"""The generation request: one frozen, validated object that the client sends.

Raw values (CLI strings, form values, a JSON body) go through :func:`build_request`,
which coerces and validates everything against :mod:`fluxdesk.core.params` and
returns *every* problem at once, each naming the field and the allowed range.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Union

from fluxdesk.core import params as P
from fluxdesk.core.params import FieldSpec, OutputFormat, SizePreset


class CustomSize(NamedTuple):
    """A width x height image size (instead of a preset).

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost more to create; see README, Start-up.)
    """

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


ImageSize = Union[SizePreset, CustomSize]


class Problem(NamedTuple):
    """One invalid field: ``field`` is the request key; ``rule`` says, for a person, what it
    must be (naming the field and the allowed range); ``got`` is the value given, as the
    message quotes it. The form shows the rule alone: the value is in the field above it.

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost more to create; see README, Start-up.)
    """

    field: str
    rule: str
    got: str | None = None

    @property
    def message(self) -> str:
        return self.rule if self.got is None else f"{self.rule} (got {self.got})"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class GenerationRequest:
    """A validated request for the image-generation endpoint (see build_request).

    One attribute per catalogue field (``P.FIELDS``, same names and order; a test holds
    them equal), typed for the code that reads them, plus the fixed model.
    """

    prompt: str
    image_size: ImageSize = P.DEFAULT_SIZE
    guidance_scale: float | None = None
    num_inference_steps: int | None = None
    num_images: int = 1
    seed: int | None = None  # None: the server picks one (and tells us which)
    output_format: OutputFormat = P.DEFAULT_FORMAT
    enable_safety_checker: bool = P.DEFAULT_SAFETY_CHECKER
    model: str = field(default=P.MODEL_ID)

    @property
    def dimensions(self) -> tuple[int, int]:
        if isinstance(self.image_size, SizePreset):
            return self.image_size.dimensions
        return (self.image_size.width, self.image_size.height)

    def problems(self) -> list[Problem]:
        """Re-validate this object (it may have been built directly, not via build_request)."""
        _, problems = build_request(self.to_fields())
        return problems

    def with_seed(self, seed: int | None) -> GenerationRequest:
        return replace(self, seed=seed)

    def to_fields(self) -> dict[str, Any]:
        """All fields with resolved values, in the shape build_request accepts."""
        return {spec.field: _plain(getattr(self, spec.field)) for spec in P.FIELDS}

    def to_api_json(self) -> dict[str, Any]:
        """The exact JSON body for ``POST /v1/images/generations``.

        Required fields always; optional ones only when set and different from the
        API's documented default (sending a default changes nothing and keeps the body
        minimal, as the issue asks).
        """
        body: dict[str, Any] = {"model": self.model}
        for spec in P.FIELDS:
            value = getattr(self, spec.field)
            if value is not None and value != spec.default:
                body[spec.field] = _plain(value)
        return body


def _plain(value: Any) -> Any:
    """A field's value as JSON has it: enums by value, a custom size as {width, height}."""
    if isinstance(value, CustomSize):
        return {"width": value.width, "height": value.height}
    if isinstance(value, enum.Enum):
        return value.value
    return value


class RequestInvalid(ValueError):
    """Raised by :func:`validated_request` with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def validated_request(raw: Mapping[str, Any], *, strict_types: bool = False) -> GenerationRequest:
    request, problems = build_request(raw, strict_types=strict_types)
    if request is None:
        raise RequestInvalid(problems)
    return request


def build_request(
    raw: Mapping[str, Any], *, strict_types: bool = False
) -> tuple[GenerationRequest | None, list[Problem]]:
    """Coerce and validate raw values; return the request (or None) and all problems.

    ``raw`` uses the API field names. Missing or None optional fields take their
    defaults; an empty or blank text is a value, and a wrong one (never a default: what
    nobody typed is not sent). With ``strict_types`` (JSON bodies, as the server sees
    them) strings are not accepted where numbers are expected.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for spec in P.FIELDS:
        read = _READERS[spec.kind]
        values[spec.field] = read(spec, raw.get(spec.field), problems, strict_types)
    model = raw.get("model", P.MODEL_ID)
    if model != P.MODEL_ID:
        problems.append(Problem("model", f"Model: must be {P.MODEL_ID!r}", repr(model)))
    if problems:
        return None, problems
    return GenerationRequest(**values), []


# Terminal control characters (C0 and C1, DEL) other than newline and tab: a prompt is
# shown in terminals, file names and other tools, where these would act, not print.
_CONTROL = frozenset(map(chr, (*range(0x20), *range(0x7F, 0xA0)))) - {"\n", "\t"}


def _prompt(spec: FieldSpec, value: Any, problems: list[Problem], strict: bool) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(spec.field, f"{spec.label}: must not be empty (1 to {P.PROMPT_MAX_CHARS} characters)")
        )
        return None
    if len(value) > P.PROMPT_MAX_CHARS:
        problems.append(
            Problem(spec.field, f"{spec.label}: at most {P.PROMPT_MAX_CHARS} characters", str(len(value)))
        )
        return None
    if not _CONTROL.isdisjoint(value):
        control = next(c for c in value if c in _CONTROL)
        rule = f"{spec.label}: must not contain control characters (other than newline and tab)"
        problems.append(Problem(spec.field, rule, f"{control!r} at position {value.index(control) + 1}"))
        return None
    return value


def side_problem(spec: FieldSpec, value: Any, *, strict_types: bool = False) -> Problem | None:
    """Check one custom side (width or height); shared by the request and the form."""
    problems: list[Problem] = []
    number = _number(spec, value, problems, strict_types, required=True)
    if problems:
        return Problem(spec.field, _side_rule(spec), repr(value))
    assert number is not None
    if int(number) % P.SIDE_STEP:
        return Problem(spec.field, _side_rule(spec), repr(value))
    return None


def _side_rule(spec: FieldSpec) -> str:
    return (
        f"{spec.label}: must be a multiple of {P.SIDE_STEP} from {int(spec.minimum)} to {int(spec.maximum)}"
    )


def _image_size(spec: FieldSpec, value: Any, problems: list[Problem], strict: bool) -> ImageSize | None:
    if value is None:
        return P.DEFAULT_SIZE
    if isinstance(value, SizePreset | CustomSize):
        value = (
            value.value if isinstance(value, SizePreset) else {"width": value.width, "height": value.height}
        )
    if isinstance(value, str) and not strict:
        text = value.strip().lower()
        if "x" in text or "×" in text:
            w, _, h = text.replace("×", "x").partition("x")
            value = {"width": w.strip(), "height": h.strip()}
    if isinstance(value, str):
        try:
            return SizePreset(value)
        except ValueError:
            names = ", ".join(p.value for p in SizePreset)
            rule = f"{spec.label}: must be one of {names} or a custom width×height"
            problems.append(Problem(spec.field, rule, repr(value)))
            return None
    if isinstance(value, Mapping):
        found = [side_problem(side, value.get(side.field), strict_types=strict) for side in P.SIDE_SPECS]
        problems.extend(problem for problem in found if problem)
        if any(found):
            return None
        return CustomSize(*(int(float(value[side.field])) for side in P.SIDE_SPECS))
    problems.append(
        Problem(spec.field, f"{spec.label}: must be a preset name or {{width, height}}", repr(value))
    )
    return None


def _number(
    spec: FieldSpec,
    value: Any,
    problems: list[Problem],
    strict: bool,
    *,
    required: bool = False,
) -> float | int | None:
    if value is None:
        if required:
            problems.append(Problem(spec.field, f"{spec.label}: required, {spec.range_text()}"))
        return spec.default if not required else None
    number: float | int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = value if math.isfinite(value) else None
    elif isinstance(value, str) and not strict:
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
                if not math.isfinite(number):
                    number = None
            except ValueError:
                number = None
    if number is not None and spec.integer and isinstance(number, float):
        number = int(number) if number.is_integer() else None
    if number is None or not (spec.minimum <= number <= spec.maximum):
        problems.append(Problem(spec.field, spec.rule(), repr(value)))
        return None
    return int(number) if spec.integer else number


def _choice(spec: FieldSpec, value: Any, problems: list[Problem], strict: bool) -> Any:
    choices = spec.choices
    assert choices is not None
    if value is None:
        return spec.default
    if isinstance(value, choices):
        return value
    text = str(value).strip().lower()
    if spec is P.OUTPUT_FORMAT and text == "jpg":
        text = "jpeg"  # what the files are called
    try:
        return choices(text)
    except ValueError:
        problems.append(Problem(spec.field, spec.rule(), repr(value)))
        return None


def _switch(spec: FieldSpec, value: Any, problems: list[Problem], strict: bool) -> bool | None:
    if value is None:
        return bool(spec.default)
    if isinstance(value, bool):
        return value
    problems.append(Problem(spec.field, spec.rule(), repr(value)))
    return None


def _number_field(spec: FieldSpec, value: Any, problems: list[Problem], strict: bool) -> float | int | None:
    return _number(spec, value, problems, strict)


# How each kind of field is read from a raw value (adding to it or problems).
_READERS: dict[str, Callable[[FieldSpec, Any, list[Problem], bool], Any]] = {
    P.TEXT: _prompt,
    P.SIZE: _image_size,
    P.WHOLE: _number_field,
    P.NUMBER: _number_field,
    P.CHOICE: _choice,
    P.SWITCH: _switch,
}
